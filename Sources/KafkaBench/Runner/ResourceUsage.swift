#if canImport(Glibc)
import Glibc
#endif

/// This process's CPU time and peak resident memory, from getrusage.
public struct ResourceUsage: Sendable {
    public var cpuSeconds: Double
    public var peakRssMb: Double

    public static func current() -> ResourceUsage {
        var ru = rusage()
        getrusage(RUSAGE_SELF.rawValue, &ru)
        let cpu = Double(ru.ru_utime.tv_sec) + Double(ru.ru_utime.tv_usec) / 1e6
            + Double(ru.ru_stime.tv_sec) + Double(ru.ru_stime.tv_usec) / 1e6
        // ru_maxrss is in kilobytes on Linux
        return ResourceUsage(cpuSeconds: cpu, peakRssMb: Double(ru.ru_maxrss) / 1024)
    }
}
