/// What a cluster says about itself: the facts recorded in every result's metadata.
public struct ClusterMetadata: Codable, Sendable, Equatable {
    public struct Broker: Codable, Sendable, Equatable {
        public var id: Int32
        public var host: String
        public var port: Int32
    }
    public struct Topic: Codable, Sendable, Equatable {
        public var name: String
        public var partitions: Int
        public var replicationFactor: Int
        /// A topic-level error the cluster reported (e.g. unknown topic), if any.
        public var error: String?
    }

    public var clusterId: String?
    public var controllerId: Int32
    public var brokers: [Broker]
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
