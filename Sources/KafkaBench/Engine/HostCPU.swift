import Foundation

/// The whole host's CPU use over an interval, from the aggregate `cpu` line of /proc/stat: every process counts
/// (the workers, the runner, the embedded broker it hosts, and anything else running on the machine).
/// A sample is a plain value: the modes take one at the window's start and one at its end, on the runner's thread.
public struct HostCPU: Sendable, Equatable {
    /// Jiffies spent busy (user, nice, system, irq, softirq, steal) and in total (busy + idle + iowait).
    public var busy: UInt64
    public var total: UInt64
    /// Jiffies stolen: time this virtual machine was ready to run but its hypervisor ran something else (inside
    /// `busy`).
    public var steal: UInt64 = 0

    /// Above this share of all cores busy (percent), a trial is host-bound: the consumers compete for the host's
    /// CPU with each other and with the runner and the broker, so their throughput measures the host, not the
    /// group. 90% leaves room for the sampling's granularity (10 ms jiffies) and short idle gaps while every
    /// core is in fact saturated.
    public static let hostBoundPercent = 90.0

    /// At or above this share of all cores stolen by the hypervisor (percent), a trial measured the host's
    /// neighbours, not the group. Work that sleeps (`sleep:1ms`) wakes late while the virtual CPU waits for its
    /// hypervisor, so every consumer of the trial slows down alike while the VM looks mostly idle: measured on
    /// this project's 2-core VM, windows with 24–37% steal ran consumers at 550–760 events/s instead of ~900,
    /// with this host's own processes using a fraction of one core. 5% is above the 0–2% a quiet VM shows.
    public static let stolenPercent = 5.0

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
        return HostCPU(busy: total - idle, total: total, steal: fields.count >= 8 ? fields[7] : 0)
    }

    /// Percent of all cores busy between two samples; NaN without both or over an empty interval.
    public static func percent(from a: HostCPU?, to b: HostCPU?) -> Double {
        guard let a, let b, b.total > a.total, b.busy >= a.busy else { return .nan }
        return Double(b.busy - a.busy) / Double(b.total - a.total) * 100
    }

    /// Percent of all cores stolen by the hypervisor between two samples; NaN without both or over an empty
    /// interval.
    public static func stealPercent(from a: HostCPU?, to b: HostCPU?) -> Double {
        guard let a, let b, b.total > a.total, b.steal >= a.steal else { return .nan }
        return Double(b.steal - a.steal) / Double(b.total - a.total) * 100
    }

    /// The host's CPU between two samples as every mode records it: percent busy (`percent`) and percent stolen
    /// (`stealPercent`); NaN without both samples.
    public static func usage(from a: HostCPU?, to b: HostCPU?) -> (cpuPct: Double, stealPct: Double) {
        (percent(from: a, to: b), stealPercent(from: a, to: b))
    }

    /// Whether a trial measured while `percent` of the host's CPU was stolen measured the host's neighbours.
    public static func isStolen(_ percent: Double) -> Bool { percent.isFinite && percent >= stolenPercent }

    /// Whether a trial measured the host rather than the group: its CPU saturated (`isHostBound`) or stolen
    /// (`isStolen`). NaN figures (not recorded) say neither.
    public static func measuresHost(cpuPct: Double, stealPct: Double) -> Bool { isHostBound(cpuPct) || isStolen(stealPct) }

    /// What to do about a trial measured while the hypervisor took the CPU.
    public static let stolenAdvice = "run again when the host is quiet, or on a machine with dedicated cores"

    /// Whether a trial that used `percent` of the host's CPU is host-bound.
    public static func isHostBound(_ percent: Double) -> Bool { percent.isFinite && percent >= hostBoundPercent }
}
