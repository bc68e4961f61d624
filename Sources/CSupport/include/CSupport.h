#ifndef KBENCH_CSUPPORT_H
#define KBENCH_CSUPPORT_H

/// Asks the kernel to send SIGTERM to this process when its parent dies (Linux only; no-op elsewhere).
/// Returns 0 on success, -1 on failure.
int kbench_set_parent_death_signal(void);

/// Busy-waits for the given number of nanoseconds (the `spin` work model).
void kbench_spin_ns(long long nanoseconds);

#endif
