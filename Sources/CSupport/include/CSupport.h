#ifndef KBENCH_CSUPPORT_H
#define KBENCH_CSUPPORT_H

/// Asks the kernel to send SIGTERM to this process when its parent dies (Linux only; no-op elsewhere).
/// Returns 0 on success, -1 on failure.
int kbench_set_parent_death_signal(void);

/// Burns the given number of nanoseconds of this thread's CPU time (CLOCK_THREAD_CPUTIME_ID; the `spin` work
/// model): time the thread spends preempted does not count.
void kbench_spin_ns(long long nanoseconds);

/// This thread's CPU time (user + system), nanoseconds (CLOCK_THREAD_CPUTIME_ID).
long long kbench_thread_cpu_ns(void);

/// Restricts the calling thread to the first CPU it may run on (Linux; tests use it to make threads share one
/// core). Returns that CPU's number, or -1.
int kbench_pin_thread_to_one_cpu(void);


/// Installs SIGINT/SIGTERM/SIGHUP handlers that only record the signal (no SA_RESTART, so blocking calls
/// return EINTR), and ignores SIGPIPE. Query with kbench_stop_signal().
void kbench_install_stop_handler(void);

/// The first stop signal received since kbench_install_stop_handler(), or 0.
int kbench_stop_signal(void);

/// pipe2(fds, O_CLOEXEC): a pipe whose ends are not inherited by spawned children (except via dup2).
int kbench_pipe_cloexec(int fds[2]);

#endif
