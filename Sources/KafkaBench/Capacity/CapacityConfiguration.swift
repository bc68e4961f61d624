/// Everything a capacity run needs: the topic's partitions, the consumer counts to try, the open-loop rate and
/// the lag bound, or a search for the highest rate each consumer count sustains.
/// Built by `kbench capacity` from its options, checked by `validate()`, then read by the runner for the whole run.
public struct CapacityConfiguration: Sendable, PlannedRun {
    /// The settings every mode shares (events, group, placement, naming); read as `configuration.work` etc.
    public var plan = RunPlan(work: .sleep(.milliseconds(1)), commit: .auto, keys: 10_000)
    /// The one group protocol and assignor of every trial (`plan.assignors` holds exactly this one).
    public var assignor: Assignor {
        get { plan.assignors[0] }
        set { plan.assignors = [newValue] }
    }
    /// Partitions of the one topic (P).
    public var partitions: Int
    /// Consumer counts to give a verdict for, each in its own trial (or search).
    public var consumers: [Int]
    /// Target events per second (all producers together). With `findMaxRate`, a hint for the first step only
    /// (nil: start from the model).
    public var rate: Double?
    /// The bound on lag in time: p99 of the worst partition's lag must stay at or below it.
    public var maxLag: DurationValue
    /// Length of each trial's open-loop traffic.
    public var duration: DurationValue = .seconds(30)
    /// The start of each trial left out of the lag percentiles and latency (the group's first fetches).
    public var warmup: DurationValue = .seconds(5)
    /// Producer processes sharing the schedule.
    public var producers = 1
    /// Search, per consumer count, the highest rate that sustains.
    public var findMaxRate = false
    /// The single-consumer rate to use instead of measuring it (nil: measured by a one-consumer sweep trial).
    public var r1: Double?

    /// Lag growth above this share of the target rate (events/s per event/s) means the group falls behind.
    public static let growthTolerance = 0.01
    /// A trial whose producers sent less than this share of the schedule, or sent more than `1 − share` of it
    /// more than 100 ms late, is invalid: the harness, not the consumers, fell behind.
    public static let producerShare = 0.99

    /// Every default in one place: the command's options start from these.
    public static let standard = CapacityConfiguration(partitions: 1, consumers: [1], rate: 1, maxLag: .seconds(10))

    /// The required figures; everything else starts at its default, so set fields and call `validate()`.
    public init(partitions: Int, consumers: [Int], rate: Double?, maxLag: DurationValue) {
        self.partitions = partitions
        self.consumers = consumers
        self.rate = rate
        self.maxLag = maxLag
    }

    /// The one-consumer closed-loop sweep that measures r1 when `--r1` is not given: this run's plan whole (its
    /// events, group timers, properties, placement and naming: r1 must be measured as the trials run), one
    /// consumer on the trials' partition count, and its topic deleted afterwards like theirs.
    public var r1Sweep: SweepConfiguration {
        var sweep = SweepConfiguration(partitions: [partitions], consumers: [1])
        sweep.plan = plan
        sweep.cleanup = true
        return sweep
    }

    /// Approximate bytes one event occupies in a partition's log (value, `user-<id>` key, record overhead).
    public var storedBytesPerEvent: Int {
        SeedPlan(topic: "", partitions: 1, messages: 1, keys: self.keys, valueBytes: self.valueBytes).storedBytesPerMessage()
    }

    /// The highest rate whose trial fits the embedded broker's retention (~5 MiB per partition), with a 20%
    /// margin for uneven keys.
    public var embeddedRateLimit: Double {
        Double(EmbeddedBroker.retainedBytesPerPartition) * 0.8 * Double(partitions) / (duration.seconds * Double(storedBytesPerEvent))
    }

    /// Refuses a rate whose trial the embedded broker would silently truncate, with the arithmetic.
    public func checkEmbeddedRetention(rate: Double) throws(UsageError) {
        let perPartition = rate * duration.seconds / Double(partitions)
        let bytes = perPartition * Double(storedBytesPerEvent)
        let limit = Double(EmbeddedBroker.retainedBytesPerPartition) * 0.8
        if bytes > limit {
            throw UsageError(
                "\(Int(rate)) events/s for \(duration) do not fit the embedded broker: each of the \(partitions) partitions would get about "
                    + "\(Int(perPartition)) events × ~\(storedBytesPerEvent) bytes = \(Int(bytes) / 1024) KiB, above the \(Int(limit) / 1024) KiB "
                    + "kbench allows (80% of the ~\(EmbeddedBroker.retainedBytesPerPartition / 1024) KiB it keeps per partition; older data is "
                    + "silently dropped). At most ~\(Int(embeddedRateLimit)) events/s fit: use a shorter --duration, smaller --value-bytes "
                    + "or more --partitions (a real cluster has no such limit)")
        }
    }

    /// Refuses out-of-range options with a message naming the flag: a missing `--rate` without `--find-max-rate`, a
    /// warm-up over half the duration (the growth is fitted over the second half), a duration under 2 s, and so on.
    public func validate() throws(UsageError) {
        guard (1...1000).contains(partitions) else { throw UsageError("--partitions must be between 1 and 1000 (got \(partitions))") }
        try plan.validate()
        guard !consumers.isEmpty, consumers.allSatisfy({ $0 >= 1 }) else { throw UsageError("--consumers needs at least one count of 1 or more") }
        guard consumers.max()! <= 100 else { throw UsageError("--consumers above 100 would start too many processes (got \(consumers.max()!))") }
        if !findMaxRate {
            guard let rate else { throw UsageError("--rate is required (events per second), unless --find-max-rate searches for it") }
            guard rate > 0, rate.isFinite else { throw UsageError("--rate must be above 0 events/s (got \(rate))") }
        } else if let rate, !(rate > 0 && rate.isFinite) {
            throw UsageError("--rate must be above 0 events/s (got \(rate))")
        }
        guard duration.nanoseconds >= 2_000_000_000 else { throw UsageError("--duration must be at least 2s (got \(duration))") }
        guard warmup < duration else { throw UsageError("--warmup (\(warmup)) must be shorter than --duration (\(duration))") }
        guard warmup.nanoseconds * 2 <= duration.nanoseconds else {
            throw UsageError("--warmup (\(warmup)) must be at most half of --duration (\(duration)): the lag's growth is fitted over the second half")
        }
        guard maxLag.nanoseconds > 0 else { throw UsageError("--max-lag must be above 0 (got \(maxLag))") }
        guard (1...16).contains(producers) else { throw UsageError("--producers must be between 1 and 16 (got \(producers))") }
        if let r1, !(r1 > 0 && r1.isFinite) { throw UsageError("--r1 must be above 0 events/s (got \(r1))") }
    }

    /// Consumer properties of a capacity trial: small fetch waits (latency is measured) and a fresh topic read
    /// from its start.
    var groupProperties: [String: String] {
        self.groupTimers.properties.merging(["fetch.wait.max.ms": "10", "auto.offset.reset": "earliest"]) { $1 }
    }
}
