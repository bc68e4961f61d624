import CRdKafka

/// librdkafka's mock cluster, hosted in this process: a real Kafka-protocol server on loopback that other
/// processes join through `bootstrapServers`.
///
/// Topics on it can only be created here (`createTopic`): librdkafka 2.0.2's mock does not implement the admin
/// CreateTopics or DeleteTopics requests. Everything it holds lives in memory and ends with `shutdown()` or the
/// process. It keeps about 5 MiB per partition and its group coordinator has fixed timers (3 s initial
/// rebalance, `session.timeout.ms − 1 s` join phases); the README says what that changes.
///
/// Sendable: every stored property is immutable after `init`, and librdkafka's mock-cluster calls may be made
/// from any thread (they post operations to the cluster's own thread).
public final class EmbeddedBroker: @unchecked Sendable {
    /// Bytes the mock keeps per partition before it drops the oldest data (librdkafka 2.0.2, hard-coded).
    public static let retainedBytesPerPartition = 5 * 1024 * 1024

    private let rk: OpaquePointer
    private var cluster: OpaquePointer?
    /// The mock cluster, for the fault calls of `MockFaults.swift`; nil after `shutdown()`.
    var mockCluster: OpaquePointer? { cluster }
    public let brokerCount: Int
    /// `host:port,…` of every mock broker.
    public let bootstrapServers: String

    public init(brokers: Int = 1) throws(KafkaError) {
        guard (1...32).contains(brokers) else {
            throw .usage("--brokers must be between 1 and 32 (got \(brokers))")
        }
        brokerCount = brokers
        rk = try ClientHandle.make(RD_KAFKA_PRODUCER, KafkaConfig())
        guard let mc = rd_kafka_mock_cluster_new(rk, Int32(brokers)) else {
            rd_kafka_destroy(rk)
            throw .usage("cannot start the embedded broker (rd_kafka_mock_cluster_new failed)")
        }
        cluster = mc
        bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(mc))
    }

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
