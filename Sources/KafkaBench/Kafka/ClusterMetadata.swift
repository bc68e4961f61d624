/// What a cluster says about itself: the facts recorded in every result's metadata.
/// A snapshot taken by `KafkaAdmin.metadata`; it does not follow the cluster afterwards.
public struct ClusterMetadata: Codable, Sendable, Equatable {
    /// A broker as the metadata response lists it.
    public struct Broker: Codable, Sendable, Equatable {
        public var id: Int32
        /// The host and port the broker advertises (what clients connect to).
        public var host: String
        public var port: Int32
    }
    /// A topic as the metadata response lists it.
    public struct Topic: Codable, Sendable, Equatable {
        public var name: String
        public var partitions: Int
        /// Replicas of its first partition (0 when it has none).
        public var replicationFactor: Int
        /// A topic-level error the cluster reported (e.g. unknown topic), if any.
        public var error: String?
    }

    /// The cluster id, when the broker reports one; the mock's starts with "mockCluster".
    public var clusterId: String?
    /// The controller broker's id (-1 when unknown).
    public var controllerId: Int32
    /// Every broker in the response, by ascending id.
    public var brokers: [Broker]
    /// Every topic the metadata response listed, by name.
    public var topics: [String: Topic]

    /// librdkafka's mock cluster names itself `mockCluster…`: that is how kbench tells its embedded broker
    /// from a real one when all it has is a bootstrap address.
    public var isEmbeddedBroker: Bool { clusterId?.hasPrefix("mockCluster") ?? false }

    /// A one-line description, e.g. "embedded librdkafka mock cluster, 3 brokers".
    public var brokerKind: String {
        let n = brokers.count
        let plural = n == 1 ? "broker" : "brokers"
        return isEmbeddedBroker
            ? "embedded librdkafka mock cluster, \(n) \(plural)"
            : "Kafka cluster \(clusterId ?? "(no cluster id)"), \(n) \(plural)"
    }
}
