/// How the embedded broker's group timers are described in output and metadata: which wait applies and who set
/// it, so a join time measured on the mock is never read as a property of Kafka.
/// Pure text helpers: they read the broker's settings and the library's capabilities, and change nothing.
public enum EmbeddedBrokerTimers {
    /// "1000 ms (set by kbench; librdkafka 2.16.0's mock)" or "3000 ms (fixed in librdkafka 2.0.2's mock)".
    public static func firstRebalanceNote(_ broker: EmbeddedBroker) -> String {
        let ms = broker.firstRebalanceDelayMs
        return MockCapabilities.setInitialRebalanceDelay != nil
            ? "\(ms) ms (set by kbench; librdkafka \(LibrdkafkaRuntime.version)'s mock)"
            : "\(ms) ms (fixed in librdkafka \(LibrdkafkaRuntime.version)'s mock)"
    }

    /// The group timers of an embedded broker, for run summaries: the hosted one's as set, or what a mock
    /// hosted by another process (`kbench broker`) does by version.
    public static func summary(hostedBy broker: EmbeddedBroker?) -> String {
        let first =
            broker.map { "a new group's first rebalance waits \(firstRebalanceNote($0))" }
            ?? "a new group's first rebalance waits 3 s on librdkafka 2.0.2's mock, 1 s where kbench can set it (2.6 on)"
        var parts = [first, "each later classic round waits session.timeout.ms − 1 s", "members are evicted only by session timeout"]
        if let timers = broker?.consumerGroupTimersMs {
            parts.append("consumer-protocol members heartbeat every \(timers.heartbeat) ms with a \(timers.session) ms session (set by kbench)")
        }
        return parts.joined(separator: "; ")
    }
}
