/// Measurement mode of a sweep.
/// The raw value is `--mode`'s and the CSV's `mode` cell.
public enum SweepMode: String, Sendable, Codable, CaseIterable {
    /// Aggregate throughput over a fixed window while every partition still has backlog.
    case window
    /// Time until the whole backlog is consumed (makespan).
    case drain
}

/// Everything a sweep needs, validated: the trial points and how each trial runs.
/// Built by `kbench sweep` from its options, checked by `validate()`, then read by the runner for the whole sweep.
public struct SweepConfiguration: Sendable, PlannedRun {
    /// The settings every mode shares (events, group, placement, naming); read as `configuration.work` etc.
    public var plan = RunPlan(work: .sleep(.milliseconds(1)), commit: .auto, keys: 100_000)
    /// Partition counts per topic (P) to sweep; each gets its own topics.
    public var partitions: [Int]
    /// Consumer counts (C) to sweep; run ascending so the baseline count comes first.
    public var consumers: [Int]
    /// `--baseline K`: the consumer count the model is scaled from (nil: the smallest consumer count). Set it with
    /// `setBaseline(_:)`, which adds K to `consumers` when missing.
    public private(set) var baseline: Int?
    /// Topics the group subscribes to (T, 1 to 20); each has P partitions and `messagesPerTopic` messages.
    public var topics = 1
    /// Messages per topic; nil sizes the backlog automatically (see `messagesPerTopic(partitions:)`).
    public var messages: Int?
    /// How the seeded events' keys are drawn: uniform by default; Zipf makes partitions uneven, which the drain
    /// model accounts for.
    public var keyDistribution: KeyDistribution = .uniform
    /// Window (throughput while every partition has backlog) or drain (time to consume it all).
    public var mode: SweepMode = .window
    /// Window mode: the measured window's length (at least 100 ms).
    public var duration: DurationValue = .seconds(4)
    /// Window mode: time from "go" to the window's start, left out of the figures.
    public var warmup: DurationValue = .milliseconds(500)
    /// Times each point runs (1 to 100); the report takes the median.
    public var repeats = 1
    /// Stop the sweep at the first failed trial instead of recording it and going on.
    public var failFast = false
    /// Bound for one trial's measurement (drain mode: the whole drain).
    public var trialTimeout: DurationValue = .seconds(600)
    /// Delete and recreate existing kbench topics instead of refusing a mismatch (real clusters).
    public var recreate = false
    /// Replication factor of created topics (default min(3, brokers)).
    public var replicationFactor: Int?

    /// The topics of one partition count.
    public func topicNames(partitions p: Int) -> [String] {
        (0..<topics).map { "\(self.topicPrefix)-p\(p)-t\($0)" }
    }

    /// Every default in one place: the command's options start from these.
    public static let standard = SweepConfiguration(partitions: [], consumers: [])

    /// The trial points; everything else starts at its default, so set fields and call `validate()`.
    public init(partitions: [Int], consumers: [Int]) {
        self.partitions = partitions
        self.consumers = consumers
    }

    /// `--baseline K`: scale the model from C = K, and run C = K when the consumer counts lack it.
    public mutating func setBaseline(_ k: Int) {
        baseline = k
        if !consumers.contains(k) { consumers = (consumers + [k]).sorted() }
    }

    /// The consumer count the model is scaled from.
    public var baselineConsumers: Int { baseline ?? consumers.min() ?? 1 }

    /// Warnings about the baseline for every partition count swept (see `Baseline.warnings`).
    public var baselineWarnings: [String] {
        var seen = Set<String>()
        return partitions.flatMap { Baseline.warnings(k: baselineConsumers, partitionSlots: $0 * topics) }.filter { seen.insert($0).inserted }
    }

    /// Trial points in run order: consumer counts ascending, so the baseline (the smallest) runs first.
    public var points: [TrialPoint] {
        var out: [TrialPoint] = []
        for p in partitions {
            for c in consumers.sorted() {
                for a in self.assignors {
                    for r in 1...repeats { out.append(TrialPoint(partitions: p, consumers: c, assignor: a, repeat: r)) }
                }
            }
        }
        return out
    }

    /// Messages each topic needs: given explicitly, or enough that the fastest single-partition consumer
    /// cannot drain a partition within warm-up + window (×1.5), bounded by what the embedded broker retains.
    public func messagesPerTopic(partitions p: Int) -> Int {
        if let messages { return messages }
        let perMessageBytes = SeedPlan(topic: "", partitions: p, messages: 1, keys: self.keys, valueBytes: self.valueBytes).storedBytesPerMessage()
        let retained = EmbeddedBroker.retainedBytesPerPartition * 9 / 10 / perMessageBytes
        let perPartition: Int
        switch (mode, self.work.perMessage) {
        case (.window, let d?):
            perPartition = min(retained, max(1000, Int((warmup.seconds + duration.seconds) / d.seconds * 1.5)))
        case (.drain, let d?):
            perPartition = min(retained, max(200, Int(2.0 / d.seconds)))
        case (_, nil):
            perPartition = retained
        }
        return perPartition * p
    }

    /// What the sweep's consumers need beyond the defaults: the group timers, and in window mode Kafka's default
    /// fetch wait (500 ms) instead of kbench's 10 ms. A window consumer holds its whole seeded backlog within a
    /// second or so (fetch sizes stay librdkafka's: it rotates through its partitions itself, see
    /// `PartitionRotation`), so from then on every fetch is empty, and the broker answers it after the wait: at
    /// 10 ms that is ~90 empty fetches per second per consumer, which cost a broker on the same host CPU the
    /// consumers' timers then miss (measured on this project's 2-core VM: Tansu 0.9 ms of CPU per empty fetch of
    /// four partitions, ~9% of a core per idle consumer; the embedded broker 0.19 ms). A long wait changes no
    /// figure: a fetch is answered as soon as it has data. Drain keeps 10 ms, which bounds how late it sees the end.
    public var consumerModeProperties: [String: String] {
        var p = self.groupTimers.properties
        if mode == .window { p["fetch.wait.max.ms"] = "500" }
        return p
    }

    /// Messages per producer batch when seeding. The embedded broker answers a fetch with one stored batch per
    /// partition, and a consumer works through each fetched batch in turn: with 10,000-message batches, a
    /// consumer of 20 partitions at 1 ms per message reached some of them only after 10 s and more, and they
    /// stalled in the window. Batches of at most ~50 ms of work give every partition a turn early in the window.
    public var seedBatchMessages: Int {
        guard let d = self.work.perMessage, d.nanoseconds > 0 else { return 10_000 }
        return max(20, min(10_000, Int(50_000_000 / d.nanoseconds)))
    }

    /// Refuses out-of-range options with a message naming the flag, including a `--baseline` that is not the smallest
    /// consumer count (each row's model is computed as the trial finishes, so the baseline must run first).
    public func validate() throws(UsageError) {
        guard !partitions.isEmpty, !consumers.isEmpty, !self.assignors.isEmpty else { throw UsageError("nothing to run") }
        try plan.validate()
        guard (1...20).contains(topics) else { throw UsageError("--topics must be between 1 and 20 (got \(topics))") }
        guard (1...100).contains(repeats) else { throw UsageError("--repeat must be between 1 and 100 (got \(repeats))") }
        if let k = baseline {
            guard k >= 1 else { throw UsageError("--baseline must be at least 1 (got \(k))") }
            guard k == consumers.min() else {
                throw UsageError(
                    "--baseline \(k) is not the smallest consumer count (\(consumers.min()!)): each row's model is computed as "
                        + "the trial finishes, so the baseline must run first; drop the smaller counts or use --baseline \(consumers.min()!)")
            }
        }
        guard consumers.max()! <= 200 else { throw UsageError("--consumers above 200 would start too many processes (got \(consumers.max()!))") }
        guard duration.nanoseconds >= 100_000_000 else { throw UsageError("--duration must be at least 100ms (got \(duration))") }
        if let m = messages, m < 1 { throw UsageError("--messages must be at least 1 (got \(m))") }
        if let rf = replicationFactor, rf < 1 { throw UsageError("--replication-factor must be at least 1 (got \(rf))") }
    }
}

/// One trial: a (partitions, consumers, assignor, repeat) combination.
/// Listed by `SweepConfiguration.points` in run order; each becomes one CSV row.
public struct TrialPoint: Sendable, Equatable, CustomStringConvertible {
    public var partitions: Int
    public var consumers: Int
    public var assignor: Assignor
    /// 1-based repeat index.
    public var `repeat`: Int
    /// "P=10 C=4 range", with " #2" from the second repeat on.
    public var description: String {
        "P=\(partitions) C=\(consumers) \(assignor.rawValue)" + (`repeat` > 1 ? " #\(`repeat`)" : "")
    }
}
