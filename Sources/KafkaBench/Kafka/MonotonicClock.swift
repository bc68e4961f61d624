#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// CLOCK_MONOTONIC in nanoseconds: the same clock in every process on the machine, so timestamps taken by the
/// runner and by its workers can be compared directly.
/// Hosts do not share it: an agent's times reach the runner through a `ClockAnchor`.
public enum MonotonicClock {
    /// Now on CLOCK_MONOTONIC, ns: never jumps with NTP or the wall clock, so every interval kbench measures uses it.
    @inline(__always)
    public static func nanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    /// Wall-clock time in nanoseconds since the Unix epoch (for produce timestamps carried in events).
    @inline(__always)
    public static func wallNanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    /// CLOCK_REALTIME − CLOCK_MONOTONIC now, nanoseconds (wrapping): turns wall-clock stamps into monotonic times
    /// and back on this host.
    public static func wallOffsetNanoseconds() -> UInt64 { wallNanoseconds() &- nanoseconds() }
}
