import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// This process's CPU time and peak resident memory.
/// Read at the end of a worker's run for its final result, and by `kbench produce`/`consume` for their summary.
public struct ResourceUsage: Sendable {
    /// User + system CPU seconds this process used so far (`getrusage`).
    public var cpuSeconds: Double
    /// The process's own peak RSS (VmHWM), MiB (2^20 bytes); NaN where /proc is not available.
    public var peakRssMib: Double

    /// This process's usage now: CPU from `getrusage`, peak memory from /proc/self/status.
    public static func current() -> ResourceUsage {
        var ru = rusage()
        getrusage(RUSAGE_SELF.rawValue, &ru)
        let cpu =
            Double(ru.ru_utime.tv_sec) + Double(ru.ru_utime.tv_usec) / 1e6
            + Double(ru.ru_stime.tv_sec) + Double(ru.ru_stime.tv_usec) / 1e6
        // Not ru_maxrss: on Linux it also carries the high-water mark of the address space the process had before
        // exec, and a worker started by posix_spawn (vfork + exec) had its runner's, so every worker reported the
        // runner's peak (the runner hosts the embedded broker and its backlog). VmHWM belongs to the process's own
        // address space. No fallback: a wrong number is worse than none.
        let kib = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)).flatMap(peakResidentKibibytes(status:))
        return ResourceUsage(cpuSeconds: cpu, peakRssMib: kib.map { $0 / 1024 } ?? .nan)
    }

    /// `VmHWM` from the text of /proc/PID/status (`VmHWM:\t   53300 kB`), in KiB.
    static func peakResidentKibibytes(status: String) -> Double? {
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let fields = line.dropFirst(6).split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count == 2, fields[1] == "kB", let v = Double(fields[0]) else { return nil }
            return v
        }
        return nil
    }
}
