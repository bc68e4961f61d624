import CRdKafka

/// librdkafka's mock cluster, hosted in this process: a real Kafka-protocol server on loopback that other
/// processes join through `bootstrapServers`.
///
/// Topics on it can only be created here (`createTopic`): librdkafka 2.0.2's mock does not implement the admin
/// CreateTopics or DeleteTopics requests. Everything it holds lives in memory and ends with `shutdown()` or the
/// process. It keeps about 5 MiB per partition and its group coordinator has fixed timers (on 2.0.2 a 3 s initial
/// rebalance, which kbench shortens where the library allows, see `firstRebalanceDelayMs`; `session.timeout.ms − 1 s`
/// join phases); docs/clients-and-brokers.md ("The embedded broker") says
/// what that changes.
///
/// Sendable: every stored property but `consumerGroupTimersMs` is immutable after `init` (that one is set by the
/// runner's thread before any worker starts), and librdkafka's mock-cluster calls may be made from any thread
/// (they post operations to the cluster's own thread).
public final class EmbeddedBroker: @unchecked Sendable {
    /// Bytes the mock keeps per partition before it drops the oldest data (librdkafka 2.0.2, hard-coded).
    public static let retainedBytesPerPartition = 5 * 1024 * 1024

    /// The producer-type `rd_kafka_t` that hosts the mock cluster, owned; destroyed by `shutdown()`.
    private let rk: OpaquePointer
    /// The mock cluster handle (owned by `rk`); nil after `shutdown()`.
    private var cluster: OpaquePointer?
    /// The mock cluster, for the fault calls of `MockFaults.swift`; nil after `shutdown()`.
    var mockCluster: OpaquePointer? { cluster }
    /// Brokers in the cluster, ids 1 to `brokerCount`.
    public let brokerCount: Int
    /// `host:port,…` of every mock broker.
    public let bootstrapServers: String

    /// How long the first rebalance of a new group waits for members on this broker (ms): the 2.0.2 mock's
    /// fixed 3,000 ms, or `initialRebalanceDelayMs` where the library can set it (`MockCapabilities`).
    public let firstRebalanceDelayMs: Int

    /// The first-join wait kbench sets where the library can set it (librdkafka ≥ 2.6): long enough for every
    /// consumer process of a trial to start and send its JoinGroup (a member that comes later costs a whole
    /// second round of `session.timeout.ms − 1 s`), far shorter than the fixed 3 s every trial waited on 2.0.2.
    public static let initialRebalanceDelayMs = 1_000

    /// Starts a mock cluster of 1 to 32 brokers on loopback and, where the library can, sets the first rebalance's delay.
    public init(brokers: Int = 1, initialRebalanceDelayMs: Int? = EmbeddedBroker.initialRebalanceDelayMs) throws(KafkaError) {
        guard (1...32).contains(brokers) else {
            throw .usage("--embedded-brokers must be between 1 and 32 (got \(brokers))")
        }
        brokerCount = brokers
        rk = try ClientHandle.make(RD_KAFKA_PRODUCER, KafkaConfig())
        guard let mc = rd_kafka_mock_cluster_new(rk, Int32(brokers)) else {
            rd_kafka_destroy(rk)
            throw .usage("cannot start the embedded broker (rd_kafka_mock_cluster_new failed)")
        }
        cluster = mc
        bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(mc))
        if let delay = initialRebalanceDelayMs, let setDelay = MockCapabilities.setInitialRebalanceDelay {
            setDelay(mc, Int32(clamping: delay))
            firstRebalanceDelayMs = delay
        } else {
            firstRebalanceDelayMs = MockCapabilities.fixedInitialRebalanceDelayMs
        }
        // The consumer protocol's group timers are the broker's: the same as the classic protocol's client-side
        // embedded defaults (ConsumerProperties.embeddedGroupDefaults), so both protocols are measured alike
        // (the mock's own are a 30 s session and 3 s heartbeats).
        let timers = GroupTimers()
        setConsumerGroupTimers(
            sessionTimeoutMs: Int(timers.sessionTimeout.milliseconds), heartbeatIntervalMs: Int(timers.heartbeatInterval.milliseconds))
    }

    /// The consumer protocol's (KIP-848) session timeout and heartbeat interval on this broker, ms; nil on a
    /// library whose mock does not host that protocol.
    public private(set) var consumerGroupTimersMs: (session: Int, heartbeat: Int)?

    /// Sets the consumer protocol's group timers (librdkafka ≥ 2.8 mock; a cluster-wide broker setting, like
    /// `group.consumer.session.timeout.ms` on Kafka). Returns false where the library cannot.
    @discardableResult
    public func setConsumerGroupTimers(sessionTimeoutMs: Int, heartbeatIntervalMs: Int) -> Bool {
        guard let cluster, let setSession = MockCapabilities.setConsumerGroupSessionTimeout,
            let setHeartbeat = MockCapabilities.setConsumerGroupHeartbeatInterval
        else { return false }
        setSession(cluster, Int32(clamping: sessionTimeoutMs))
        setHeartbeat(cluster, Int32(clamping: heartbeatIntervalMs))
        consumerGroupTimersMs = (sessionTimeoutMs, heartbeatIntervalMs)
        return true
    }

    /// Deletes a topic and its data, where the library's mock can (librdkafka ≥ 2.15); false where it cannot.
    @discardableResult
    public func deleteTopic(_ name: String) throws(KafkaError) -> Bool {
        guard let cluster else { throw .usage("the embedded broker is shut down") }
        guard let delete = MockCapabilities.deleteTopic else { return false }
        let err = rd_kafka_resp_err_t(rawValue: delete(cluster, name))
        if err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART { return true }
        try check(err, "delete topic \(name) from the embedded broker")
        return true
    }

    /// Shuts the cluster down if `shutdown()` was not called.
    deinit { shutdown() }

    /// Creates a topic with `partitions` partitions, replication factor min(3, brokers).
    public func createTopic(_ name: String, partitions: Int) throws(KafkaError) {
        guard let cluster else { throw .usage("the embedded broker is shut down") }
        guard partitions > 0 else {
            throw .usage("cannot create topic \(name) with \(partitions) partitions: a topic needs at least 1")
        }
        guard !name.isEmpty, name.count <= 249,
            name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-") })
        else {
            throw .usage("invalid topic name '\(name)': use 1 to 249 of [a-zA-Z0-9._-]")
        }
        let rf = min(3, brokerCount)
        try check(rd_kafka_mock_topic_create(cluster, name, Int32(partitions), Int32(rf)), "create topic \(name) on the embedded broker")
    }

    /// Stops every mock broker; clients connected to it see their connections close.
    public func shutdown() {
        if let cluster {
            rd_kafka_mock_cluster_destroy(cluster)
            self.cluster = nil
            rd_kafka_destroy(rk)
        }
    }
}
