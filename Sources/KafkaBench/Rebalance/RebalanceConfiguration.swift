/// Everything a rebalance run needs.
/// Built by `kbench rebalance` from its options, checked by `validate()` and `checkFaults`, then read by the runner.
public struct RebalanceConfiguration: Sendable, PlannedRun {
    /// The settings every mode shares (events, group, placement, naming); read as `configuration.work` etc.
    public var plan = RunPlan(work: .none, commit: .sync, keys: 10_000)
    /// The group's session timeout (`plan.groupTimers`): `session.timeout.ms` under the classic protocol, the
    /// embedded broker's setting under the consumer protocol.
    public var sessionTimeout: DurationValue {
        get { plan.groupTimers.sessionTimeout }
        set { plan.groupTimers.sessionTimeout = newValue }
    }
    /// The members' heartbeat interval (`plan.groupTimers`).
    public var heartbeatInterval: DurationValue {
        get { plan.groupTimers.heartbeatInterval }
        set { plan.groupTimers.heartbeatInterval = newValue }
    }
    /// Partitions of the run's one topic (1 to 1000).
    public var partitions: Int
    /// Consumers started before traffic (1 to 100); `join` and `restart` steps add processes.
    public var consumers: Int
    /// The timed steps (joins, kills, faults…) run against the group while traffic flows.
    public var script: RebalanceScript
    /// Events per second produced for the whole run.
    public var rate: Double = 2000
    /// Length of the traffic (at least 1 s); the script's times are relative to its start.
    public var duration: DurationValue
    /// Hold manual commits while a member rebalances (`CommitGate`); false measures librdkafka without that
    /// workaround (`--no-commit-gate`).
    public var commitGate = true
    /// Reuse `group.instance.id` across restarts (KIP-345); on the embedded broker only under the consumer protocol.
    public var staticMembership = false
    /// `max.poll.interval.ms`: at least the session timeout under the classic protocol, which librdkafka requires.
    public var maxPollInterval: DurationValue = .seconds(300)
    /// Bound for consuming what is left after traffic ends (`--drain-timeout`); what is not consumed by then is undrained.
    public var drainTimeout: DurationValue = .seconds(30)
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
        try plan.validate(alsoOwned: ["group.instance.id"])
        if self.assignors.contains(where: { $0.groupProtocol == .classic }) {
            guard maxPollInterval >= sessionTimeout else {
                throw UsageError(
                    "--max-poll-interval (\(maxPollInterval)) must be at least --session-timeout (\(sessionTimeout)): librdkafka refuses "
                        + "max.poll.interval.ms below session.timeout.ms under the classic protocol; lower --session-timeout to \(maxPollInterval) or less")
            }
        }
        _ = try script.commands(onEvent)
    }

    /// Refuses `--static-membership` on the embedded broker under the classic protocol: its coordinator parses
    /// `group.instance.id` but ignores it, so a restart rebalances fully and kbench would report a false result.
    /// `embedded`: the run's broker is librdkafka's mock (known before connecting when no bootstrap is given).
    public func checkStaticMembership(embedded: Bool) throws(UsageError) {
        guard staticMembership, embedded, self.assignors.contains(where: { $0.groupProtocol == .classic }) else { return }
        throw UsageError(
            "--static-membership is not supported by the embedded broker under the classic protocol: its coordinator ignores "
                + "group.instance.id, so a restart would rebalance fully and kbench would report a false result; use "
                + "--group-protocol consumer (whose embedded coordinator honours it), or a real cluster (--bootstrap HOST:PORT)")
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
