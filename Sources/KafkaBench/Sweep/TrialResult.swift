/// What one trial measured, before the sweep adds the model.
/// Filled by `SweepTrial.run`; the runner adds the model columns and writes it as a `TrialRow`.
public struct TrialResult: Sendable {
    /// The partitions, consumers, assignor and repeat it ran.
    public var point: TrialPoint
    /// A trial succeeded exactly when no failure reason was recorded.
    public var ok: Bool { reason.isEmpty }
    /// Why the trial failed; empty when it succeeded.
    public var reason = ""
    /// From spawning the first worker to the stable-group barrier ("go"), ms.
    public var joinMs = 0.0
    /// From the end of measurement to the last worker's exit, ms.
    public var teardownMs = 0.0
    /// Spread of the workers' "go" times, ms (NaN when the trial did not get that far).
    public var goSkewMs = Double.nan
    /// The host's CPU use while measuring, percent of all cores (NaN when not sampled).
    public var hostCpuPct = Double.nan
    /// The share of all cores the hypervisor took while measuring, percent (NaN when not sampled).
    public var hostStealPct = Double.nan
    /// Window length or makespan, seconds.
    public var seconds = 0.0
    /// Group throughput over `seconds`: messages per second, and MB/s of key + value (MB = 10^6 bytes).
    public var msgsPerS = 0.0
    public var mbPerS = 0.0
    /// events/s of each active consumer.
    public var consumerRates: [Double] = []
    /// Messages read by every consumer together over the whole trial (warm-up included), repeats included.
    public var consumed = 0
    public var duplicates = 0
    /// Offsets skipped, or (drain mode) never reached; a trial with any fails.
    public var lost = 0
    /// User + system CPU seconds summed over the workers.
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

    /// An empty result that the trial fills in; a result never given a `reason` counts as ok.
    public init(point: TrialPoint) { self.point = point }

    /// Names of the consumers that held at least one partition at the barrier, sorted.
    public var activeConsumers: [String] { assignment.filter { !$0.value.isEmpty }.keys.sorted() }
    /// Names of the consumers that held none, sorted.
    public var idleConsumers: [String] { assignment.filter { $0.value.isEmpty }.keys.sorted() }
    /// Fewest and most partitions one consumer held at the barrier (0 when nothing was assigned).
    public var minPartitionsPerConsumer: Int { assignment.values.map(\.count).min() ?? 0 }
    public var maxPartitionsPerConsumer: Int { assignment.values.map(\.count).max() ?? 0 }
}
