import Foundation

/// The whole host's CPU use over an interval, from the aggregate `cpu` line of /proc/stat: every process counts
/// (the workers, the runner, the embedded broker it hosts, and anything else running on the machine).
public struct HostCPU: Sendable, Equatable {
    /// Jiffies spent busy (user, nice, system, irq, softirq, steal) and in total (busy + idle + iowait).
    public var busy: UInt64
    public var total: UInt64

    /// Above this share of all cores busy (percent), a trial is host-bound: the consumers compete for the host's
    /// CPU with each other and with the runner and the broker, so their throughput measures the host, not the
    /// group. 90% leaves room for the sampling's granularity (10 ms jiffies) and short idle gaps while every
    /// core is in fact saturated.
    public static let hostBoundPercent = 90.0

    /// What to do about a host-bound trial.
    public static let advice = "run fewer consumers per host, or spread the consumers over several hosts"

    /// The current counters; nil where /proc/stat is not available.
    public static func sample() -> HostCPU? {
        (try? String(contentsOfFile: "/proc/stat", encoding: .utf8)).flatMap(parse(procStat:))
    }

    /// Parses the first (`cpu `) line of /proc/stat.
    static func parse(procStat text: String) -> HostCPU? {
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") }) else { return nil }
        let v = line.split(separator: " ").dropFirst().compactMap { UInt64($0) }
        guard v.count >= 5 else { return nil }
        // user nice system idle iowait irq softirq steal (guest time is already inside user and nice)
        let fields = Array(v.prefix(8))
        let total = fields.reduce(0, +)
        let idle = fields[3] + fields[4]
        return HostCPU(busy: total - idle, total: total)
    }

    /// Percent of all cores busy between two samples; NaN without both or over an empty interval.
    public static func percent(from a: HostCPU?, to b: HostCPU?) -> Double {
        guard let a, let b, b.total > a.total, b.busy >= a.busy else { return .nan }
        return Double(b.busy - a.busy) / Double(b.total - a.total) * 100
    }

    /// Whether a trial that used `percent` of the host's CPU is host-bound.
    public static func isHostBound(_ percent: Double) -> Bool { percent.isFinite && percent >= hostBoundPercent }
}
