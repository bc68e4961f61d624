/// What every mode's run shares: the events it sends, the group it forms, where its consumers run and how its
/// topics are named and cleaned up. Each mode's configuration holds one (`SweepConfiguration.plan`,
/// `CapacityConfiguration.plan`, `RebalanceConfiguration.plan`) and reads these settings through it, so a setting
/// every mode needs is added here once, and a run derived from another (capacity's one-consumer r1 trial) takes
/// the parent's plan whole instead of copying fields one by one.
///
/// The defaults that differ per mode (work, commit, keys) are set by each configuration's initialiser.
public struct RunPlan: Sendable {
    /// The group protocol and assignor of each group, in order (`range`, `cooperative-sticky`, `consumer`, …).
    /// A sweep and a rebalance run one group per entry; a capacity run exactly one.
    public var assignors: [Assignor] = [.range]
    /// The per-message work each consumer does.
    public var work: WorkModel
    /// When and how consumers commit.
    public var commit: CommitMode
    /// Distinct keys (`user-<id>`) the events are spread over.
    public var keys: Int
    /// Bytes per event value (at least `EventRecord.headerSize`).
    public var valueBytes = 100
    /// Bound for a group to become stable (every consumer assigned, every partition held once).
    public var joinTimeout: DurationValue = .seconds(30)
    /// The group's session timeout and heartbeat interval (`--session-timeout`, `--heartbeat-interval`).
    public var groupTimers = GroupTimers()
    /// Brokers of the embedded cluster kbench hosts when no bootstrap is given.
    public var embeddedBrokers = 1
    /// librdkafka properties from the user (`-X`, `--config`), applied over kbench's defaults for every client.
    public var userProperties: [String: String] = [:]
    /// Prefix of every topic and group name kbench creates.
    public var topicPrefix = "kbench"
    /// Bound for creating (or deleting) a topic.
    public var createTimeout: DurationValue = .seconds(30)
    /// Delete the topics and groups this run created when it ends (never any other).
    public var cleanup = false
    /// `--agents N`: the consumers run on agents on other hosts (nil: on this host).
    public var agents: AgentSettings?

    public init(work: WorkModel, commit: CommitMode, keys: Int) {
        self.work = work
        self.commit = commit
        self.keys = keys
    }

    /// Refuses settings no mode can run with, naming the option and what is accepted. `alsoOwned`: librdkafka
    /// properties the mode sets itself beyond every mode's (rebalance: `group.instance.id`), refused from `-X`.
    public func validate(alsoOwned: Set<String> = []) throws(UsageError) {
        guard !assignors.isEmpty else { throw UsageError("nothing to run: no assignor or group protocol") }
        try groupTimers.validate()
        guard keys > 0 else { throw UsageError("--keys must be at least 1 (got \(keys))") }
        guard valueBytes >= EventRecord.headerSize, valueBytes <= 1_000_000 else {
            throw UsageError("--value-bytes must be between \(EventRecord.headerSize) and 1000000 (got \(valueBytes))")
        }
        guard !topicPrefix.isEmpty, topicPrefix.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-") }) else {
            throw UsageError("--topic-prefix '\(topicPrefix)' is not a valid topic name start: use [a-zA-Z0-9._-]")
        }
        try ConsumerProperties.checkUserProperties(userProperties, strategies: assignors, alsoOwned: alsoOwned.sorted())
    }
}

/// A mode's configuration that reads the shared settings through its `plan`: `configuration.valueBytes` is
/// `configuration.plan.valueBytes` (dynamic member lookup), so callers need not know which settings are shared.
@dynamicMemberLookup
public protocol PlannedRun {
    var plan: RunPlan { get set }
}

extension PlannedRun {
    /// A shared setting, read and written in `plan`.
    public subscript<T>(dynamicMember keyPath: WritableKeyPath<RunPlan, T>) -> T {
        get { plan[keyPath: keyPath] }
        set { plan[keyPath: keyPath] = newValue }
    }
}
