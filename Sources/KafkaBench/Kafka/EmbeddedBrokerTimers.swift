/// How the embedded broker's group timers are described in output and metadata: which wait applies and who set
/// it, so a join time measured on the mock is never read as a property of Kafka.
public enum EmbeddedBrokerTimers {
    /// "1000 ms (set by kbench; librdkafka 2.16.0's mock)" or "3000 ms (fixed in librdkafka 2.0.2's mock)".
    public static func firstRebalanceNote(_ broker: EmbeddedBroker) -> String {
        let ms = broker.firstRebalanceDelayMs
        return MockCapabilities.setInitialRebalanceDelay != nil
            ? "\(ms) ms (set by kbench; librdkafka \(LibrdkafkaRuntime.version)'s mock)"
            : "\(ms) ms (fixed in librdkafka \(LibrdkafkaRuntime.version)'s mock)"
    }
}
