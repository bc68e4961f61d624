/// Everything a rebalance run needs.
/// Built by `kbench rebalance` from its options, checked by `validate()` and `checkFaults`, then read by the runner.
public struct RebalanceConfiguration: Sendable {
    /// Partitions of the run's one topic (1 to 1000).
    public var partitions: Int
    /// Consumers started before traffic (1 to 100); `join` and `restart` steps add processes.
    public var consumers: Int
    /// The timed steps (joins, kills, faults…) run against the group while traffic flows.
    public var script: RebalanceScript
    /// Each assignor gets its own run of the same script, with its own topic and group.
    public var assignors: [Assignor] = [.range]
    /// Events per second produced for the whole run.
    public var rate: Double = 2000
    /// Length of the traffic (at least 1 s); the script's times are relative to its start.
    public var duration: DurationValue
    /// How consumers commit (default: synchronously after each batch).
    public var commit: CommitMode = .sync
    /// Hold manual commits while a member rebalances (`CommitGate`); false measures librdkafka without that
    /// workaround (`--no-commit-gate`).
    public var commitGate = true
    /// Per-message work (default none: latency is the measure, not capacity).
    public var work: WorkModel = .none
    /// Reuse `group.instance.id` across restarts (KIP-345); real clusters only.
    public var staticMembership = false
    /// After each assignor's run, delete the topic and group it created (real clusters, and the embedded broker
    /// this process hosts on librdkafka ≥ 2.15); a topic that existed before is never deleted.
    public var cleanup = false
    /// The group timers under the classic protocol: session timeout, heartbeat interval (below the session timeout) and
    /// max poll interval (at least the session timeout, which librdkafka requires).
    public var sessionTimeout: DurationValue = .seconds(6)
    public var heartbeatInterval: DurationValue = .milliseconds(500)
    public var maxPollInterval: DurationValue = .seconds(300)
    /// Bytes of each message's value, the event header included.
    public var valueBytes = 100
    /// Distinct keys (users) of the live traffic; the per-key order audit follows each.
    public var keys = 10_000
    /// Bound for the group's first stable assignment, and for the final drain.
    public var joinTimeout: DurationValue = .seconds(30)
    /// Bound for consuming what is left after traffic ends (`--drain-timeout`); what is not consumed by then is undrained.
    public var drainTimeout: DurationValue = .seconds(30)
    /// Prefix of the topic and group names.
    public var topicPrefix = "kbench"
    /// Brokers of the embedded cluster when no bootstrap is given (broker faults need more than one).
    public var embeddedBrokers = 1
    /// librdkafka properties from the user (-X, --config), applied on top of kbench's; `group.instance.id` is kbench's.
    public var userProperties: [String: String] = [:]
    /// `--agents N`: run the consumers on agents on other hosts (nil: on this host). The producer runs here.
    public var agents: AgentSettings?
    /// `--on-event 'STEP=COMMAND'`: a command run at a script step (what faults a real cluster's broker).
    public var onEvent: [String] = []

    /// Every default in one place: the command's options start from these.
    public static let standard = RebalanceConfiguration(
        partitions: 1, consumers: 1, script: try! RebalanceScript(parsing: "", consumers: 1, duration: .seconds(1)), duration: .seconds(1))

    /// The required figures; everything else starts at its default, so set fields and call `validate()`.
    public init(partitions: Int, consumers: Int, script: RebalanceScript, duration: DurationValue) {
        self.partitions = partitions
        self.consumers = consumers
        self.script = script
        self.duration = duration
    }

    /// Refuses out-of-range options with a message naming the flag, a script step's `--on-event` that does not parse, and
    /// user properties kbench sets itself.
    public func validate() throws(UsageError) {
        guard (1...1000).contains(partitions) else { throw UsageError("--partitions must be between 1 and 1000 (got \(partitions))") }
        guard (1...100).contains(consumers) else { throw UsageError("--consumers must be between 1 and 100 (got \(consumers))") }
        guard rate > 0, rate <= 50_000 else {
            throw UsageError("--rate must be above 0 and at most 50000 events/s (every event is reported to the runner) (got \(rate))")
        }
        guard duration.nanoseconds >= 1_000_000_000 else { throw UsageError("--duration must be at least 1s (got \(duration))") }
        guard heartbeatInterval < sessionTimeout else {
            throw UsageError("--heartbeat-interval (\(heartbeatInterval)) must be below --session-timeout (\(sessionTimeout))")
        }
        if assignors.contains(where: { $0.groupProtocol == .classic }) {
            guard maxPollInterval >= sessionTimeout else {
                throw UsageError(
                    "--max-poll-interval (\(maxPollInterval)) must be at least --session-timeout (\(sessionTimeout)): librdkafka refuses "
                        + "max.poll.interval.ms below session.timeout.ms under the classic protocol; lower --session-timeout to \(maxPollInterval) or less")
            }
        }
        guard valueBytes >= EventRecord.headerSize else { throw UsageError("--value-bytes must be at least \(EventRecord.headerSize)") }
        _ = try script.commands(onEvent)
        try ConsumerProperties.checkUserProperties(userProperties, strategies: assignors, alsoOwned: ["group.instance.id"])
    }

    /// Checks the script's broker faults against the cluster: `embeddedBrokers` brokers of a hosted embedded
    /// cluster, or nil for a cluster reached by `--bootstrap` (every broker fault then needs an `--on-event` command).
    public func checkFaults(embeddedBrokers: Int?) throws(UsageError) {
        try script.checkFaults(embeddedBrokers: embeddedBrokers, commands: try script.commands(onEvent))
    }

    /// Consumer properties for this run's group timers.
    var groupProperties: [String: String] {
        [
            "session.timeout.ms": String(Int(sessionTimeout.milliseconds)),
            "heartbeat.interval.ms": String(Int(heartbeatInterval.milliseconds)),
            "max.poll.interval.ms": String(Int(maxPollInterval.milliseconds)),
            // new data should end a fetch wait quickly: end-to-end latency, not throughput, is measured here
            "fetch.wait.max.ms": "10",
            "auto.offset.reset": "earliest",
            // every 100 ms each worker reports its group join state: when it learned of a rebalance (detection)
            "statistics.interval.ms": "100",
        ]
    }
}
