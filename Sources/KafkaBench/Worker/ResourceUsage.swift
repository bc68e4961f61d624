#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// This process's CPU time and peak resident memory.
public struct ResourceUsage: Sendable {
    public var cpuSeconds: Double
    public var peakRssMb: Double

    public static func current() -> ResourceUsage {
        var ru = rusage()
        getrusage(RUSAGE_SELF.rawValue, &ru)
        let cpu = Double(ru.ru_utime.tv_sec) + Double(ru.ru_utime.tv_usec) / 1e6
            + Double(ru.ru_stime.tv_sec) + Double(ru.ru_stime.tv_usec) / 1e6
        // ru_maxrss (KB) also counts the parent's RSS at fork/exec time on Linux; the kernel's own high-water mark
        // of this process (VmHWM) does not, so prefer it.
        let rssKb = peakResidentKilobytes() ?? Double(ru.ru_maxrss)
        return ResourceUsage(cpuSeconds: cpu, peakRssMb: rssKb / 1024)
    }

    /// `VmHWM` from /proc/self/status, in KB (Linux).
    static func peakResidentKilobytes() -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Double(line.dropFirst(6).split(separator: " ").first ?? "")
        }
        return nil
    }
}
