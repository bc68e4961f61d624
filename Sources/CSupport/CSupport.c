#include "CSupport.h"
#include <signal.h>
#include <time.h>
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

void kbench_spin_ns(long long nanoseconds) {
    long long end = now_ns() + nanoseconds;
    volatile unsigned long long sink = 0;
    while (now_ns() < end) {
        for (int i = 0; i < 64; i++) sink += (unsigned long long)i;
    }
}
