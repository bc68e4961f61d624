/// Whether a trial's measurement covered what it claims to: every worker started together, and (window mode)
/// every assigned partition made progress inside the window. A number that misses either is not the group's
/// throughput, so the trial fails.
/// Pure functions of the workers' finals; `SweepTrial.measure` adds their problems to the trial's reason.
public enum WindowCoverage {
    /// Largest tolerated spread of the workers' "go" times. A worker notices "go" between librdkafka calls that
    /// wait up to 10 ms while its partitions are paused, so a healthy group stays well below it; 100 ms is 2.5%
    /// of the default 4 s window, so a worker this late cannot move the result by more than that. A spread
    /// beyond it means the host could not schedule the workers promptly: it is too busy to measure on.
    public static let maxGoSkewMs = 100.0

    /// The spread of the workers' "go" times (CLOCK_MONOTONIC on one host), milliseconds: the latest minus the
    /// earliest. Workers with no partitions count too: a late member is a slow machine or a stuck process.
    public static func goSkewMs(_ goNs: [UInt64]) -> Double {
        guard let lo = goNs.min(), let hi = goNs.max() else { return 0 }
        return Double(hi - lo) / 1e6
    }

    /// The problem with a skew, if it is beyond `maxGoSkewMs`.
    public static func goSkewProblem(_ skewMs: Double, names: [String], goNs: [UInt64]) -> String? {
        guard skewMs > maxGoSkewMs, let latest = goNs.indices.max(by: { goNs[$0] < goNs[$1] }) else { return nil }
        return "the workers received \"go\" up to \(Int(skewMs.rounded())) ms apart (latest: \(names[latest])), "
            + "beyond the \(Int(maxGoSkewMs)) ms bound: the host is too busy to start the group together"
    }

    /// Assigned partitions that made no progress inside the window, as one problem per partition
    /// ("partition t-3 stalled in the window (consumer c02)").
    public static func stalledPartitions(assignment: [String: [TopicPartition]], finals: [String: WorkerFinal]) -> [String] {
        var problems: [String] = []
        for (name, partitions) in assignment.sorted(by: { $0.key < $1.key }) {
            let counted = Dictionary(
                (finals[name]?.windowPartitionMessages ?? []).map { ($0.partition, $0.messages) },
                uniquingKeysWith: +)
            for p in partitions.sorted() where (counted[p] ?? 0) == 0 {
                problems.append("partition \(p) stalled in the window (consumer \(name))")
            }
        }
        if !problems.isEmpty {
            problems.append("a consumer works through one fetched batch of a partition at a time: a longer --duration gives each of its partitions a turn")
        }
        return problems
    }
}
