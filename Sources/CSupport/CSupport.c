#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include "CSupport.h"
#include <signal.h>
#include <time.h>
#ifdef __linux__
#include <sched.h>
#endif
#ifdef __linux__
#include <sys/prctl.h>
#endif

int kbench_set_parent_death_signal(void) {
#ifdef __linux__
    return prctl(PR_SET_PDEATHSIG, SIGTERM);
#else
    return 0;
#endif
}

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

long long kbench_thread_cpu_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void kbench_spin_ns(long long nanoseconds) {
    // Spins until this thread has used `nanoseconds` of CPU: time the thread spends preempted (a busy host, more
    // workers than cores) does not count, so spin:200us is 200 us of CPU however loaded the machine is.
    long long end = kbench_thread_cpu_ns() + nanoseconds;
    volatile unsigned long long sink = 0;
    while (kbench_thread_cpu_ns() < end) {
        for (int i = 0; i < 256; i++) sink += (unsigned long long)i;
    }
}

int kbench_pin_thread_to_one_cpu(void) {
#ifdef __linux__
    cpu_set_t allowed;
    if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) return -1;
    for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
        if (CPU_ISSET(cpu, &allowed)) {
            cpu_set_t one;
            CPU_ZERO(&one);
            CPU_SET(cpu, &one);
            return sched_setaffinity(0, sizeof one, &one) == 0 ? cpu : -1;
        }
    }
    return -1;
#else
    return -1;
#endif
}

static volatile sig_atomic_t stop_signal = 0;

static void record_stop(int sig) {
    if (stop_signal == 0) stop_signal = sig;
}

void kbench_install_stop_handler(void) {
    struct sigaction sa;
    sa.sa_handler = record_stop;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    /* a parent may have started us with these blocked (or ignored): make sure they arrive */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
}

int kbench_stop_signal(void) {
    return stop_signal;
}

int kbench_pipe_cloexec(int fds[2]) {
    return pipe2(fds, O_CLOEXEC);
}

const char *kbench_object_defining(const char *name) {
    void *address = dlsym(RTLD_DEFAULT, name);
    if (address == NULL) return NULL;
    Dl_info info;
    if (dladdr(address, &info) == 0) return NULL;
    return info.dli_fname;
}

void *kbench_symbol(const char *name) {
    return dlsym(RTLD_DEFAULT, name);
}

int kbench_probe_librdkafka(const char *path, char *error, int error_size) {
    void *handle = dlopen(path, RTLD_LAZY | RTLD_LOCAL);
    if (handle == NULL) {
        const char *why = dlerror();
        snprintf(error, (size_t)error_size, "%s", why ? why : "unknown loader error");
        return -1;
    }
    int (*version)(void) = (int (*)(void))dlsym(handle, "rd_kafka_version");
    int result = version ? version() : -2;
    dlclose(handle);
    return result;
}
