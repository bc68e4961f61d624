import CRdKafka

/// The mock-cluster calls that librdkafka added after 2.0.2 (the version kbench is built against), found in
/// the loaded library with `dlsym`: present on a newer runtime, nil on 2.0.2. Signatures as in the newer
/// `rdkafka_mock.h`; each gives the version that added it.
public enum MockCapabilities {
    /// The first rebalance of a new group waits this long on a mock that cannot be told otherwise (ms).
    public static let fixedInitialRebalanceDelayMs = 3_000

    /// `rd_kafka_mock_group_initial_rebalance_delay_ms(mcluster, delay_ms)`, librdkafka 2.6.0: the wait of a
    /// new group's first rebalance (Kafka's `group.initial.rebalance.delay.ms`; later rebalances are unchanged).
    public static let setInitialRebalanceDelay = LibrdkafkaRuntime.symbol(
        "rd_kafka_mock_group_initial_rebalance_delay_ms", as: (@convention(c) (OpaquePointer?, Int32) -> Void).self)

    /// `rd_kafka_mock_topic_delete(mcluster, topic)`, librdkafka 2.15.0: removes a topic and its data.
    public static let deleteTopic = LibrdkafkaRuntime.symbol(
        "rd_kafka_mock_topic_delete", as: (@convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> Int32).self)

    /// `rd_kafka_mock_set_group_consumer_session_timeout_ms(mcluster, ms)`, librdkafka 2.8.0: the KIP-848
    /// consumer groups' session timeout on the mock (a broker setting under that protocol).
    public static let setConsumerGroupSessionTimeout = LibrdkafkaRuntime.symbol(
        "rd_kafka_mock_set_group_consumer_session_timeout_ms", as: (@convention(c) (OpaquePointer?, Int32) -> Void).self)

    /// `rd_kafka_mock_set_group_consumer_heartbeat_interval_ms(mcluster, ms)`, librdkafka 2.8.0.
    public static let setConsumerGroupHeartbeatInterval = LibrdkafkaRuntime.symbol(
        "rd_kafka_mock_set_group_consumer_heartbeat_interval_ms", as: (@convention(c) (OpaquePointer?, Int32) -> Void).self)
}
