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

/// The file of the shared object in this process that defines the symbol `name` (dlsym + dladdr), or NULL when
/// no loaded object defines it. The string belongs to the dynamic loader: copy it.
const char *kbench_object_defining(const char *name);

/// The address of the symbol `name` in the process's global scope, or NULL (dlsym with RTLD_DEFAULT): how kbench
/// finds the functions a newer librdkafka adds without linking against them.
void *kbench_symbol(const char *name);

/// Loads the library at `path` privately (RTLD_LOCAL), reads its rd_kafka_version() and unloads it. Returns the
/// version number (0xMMmmrrxx), -1 when the file cannot be loaded (the loader's reason copied into `error`), -2
/// when it defines no rd_kafka_version (not a librdkafka).
int kbench_probe_librdkafka(const char *path, char *error, int error_size);

#endif
