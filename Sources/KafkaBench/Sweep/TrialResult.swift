/// What one trial measured, before the sweep adds the model.
public struct TrialResult: Sendable {
    public var point: TrialPoint
    public var ok: Bool { reason.isEmpty }
    /// Why the trial failed; empty when it succeeded.
    public var reason = ""
    public var joinMs = 0.0
    public var teardownMs = 0.0
    /// Spread of the workers' "go" times, ms (NaN when the trial did not get that far).
    public var goSkewMs = Double.nan
    /// The host's CPU use while measuring, percent of all cores (NaN when not sampled).
    public var hostCpuPct = Double.nan
    /// The share of all cores the hypervisor took while measuring, percent (NaN when not sampled).
    public var hostStealPct = Double.nan
    /// Window length or makespan, seconds.
    public var seconds = 0.0
    public var msgsPerS = 0.0
    public var mbPerS = 0.0
    /// events/s of each active consumer.
    public var consumerRates: [Double] = []
    public var consumed = 0
    public var duplicates = 0
    public var lost = 0
    public var workerCpuSeconds = 0.0
    /// Largest worker peak RSS (VmHWM), MiB; NaN when unknown.
    public var maxWorkerRssMib = Double.nan
    /// Partitions held by each consumer at the barrier, by consumer name.
    public var assignment: [String: [TopicPartition]] = [:]
    /// Messages each consumer had to read (the backlog of its partitions at "go"), by consumer name.
    public var backlogs: [String: Int] = [:]
    /// True when the sweep was interrupted during this trial (it is then not recorded).
    public var interrupted = false
    /// The librdkafka properties the first worker reported it applied (secrets masked).
    public var appliedProperties: [String: String]?

    public init(point: TrialPoint) { self.point = point }

    public var activeConsumers: [String] { assignment.filter { !$0.value.isEmpty }.keys.sorted() }
    public var idleConsumers: [String] { assignment.filter { $0.value.isEmpty }.keys.sorted() }
    public var minPartitionsPerConsumer: Int { assignment.values.map(\.count).min() ?? 0 }
    public var maxPartitionsPerConsumer: Int { assignment.values.map(\.count).max() ?? 0 }
}
