import ArgumentParser
import Foundation
import KafkaBench

/// `kbench produce`: one producer process (kbench's counterpart of kafka-producer-perf-test and `kcat -P`),
/// running the same producer loop as seeding.
struct ProduceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "produce",
        abstract: "Produce keyed events and print msgs/s, MB/s, CPU seconds, peak RSS and delivery latency.")

    @OptionGroup(title: "Cluster") var connection: ConnectionOptions
    @Option(help: "Topic to write (must exist, or give --partitions to create it on a real cluster).") var topic: String
    @Option(help: "Partition count to create the topic with when it is missing (real clusters).") var partitions: Int?
    @Option(help: "Number of events.") var messages: Int
    @Option(help: "Bytes per event value (at least 24).") var valueBytes: Int = 100
    @Option(help: "Events per second (default: as fast as possible).") var rate: Double?
    @Option(help: "Distinct keys (user ids).") var keys: Int = 100_000
    @Option(
        help: ArgumentHelp("uniform or zipf:S.", valueName: "distribution"),
        transform: { try parseArgument($0, KeyDistribution.init(parsing:)) })
    var keyDistribution: KeyDistribution = .uniform

    func validate() throws {
        guard messages >= 1 else { throw ValidationError("--messages must be at least 1 (got \(messages))") }
        guard valueBytes >= EventRecord.headerSize, valueBytes <= 1_000_000 else {
            throw ValidationError("--value-bytes must be between \(EventRecord.headerSize) and 1000000 (got \(valueBytes))")
        }
        if let rate, !(rate > 0 && rate <= 10_000_000) { throw ValidationError("--rate must be above 0 and at most 10000000 (got \(rate))") }
        guard keys >= 1 else { throw ValidationError("--keys must be at least 1 (got \(keys))") }
    }

    func run() throws {
        let cluster = try connection.connect(embeddedBrokers: nil)
        let md = try cluster.metadata()
        if md.topics[topic] == nil || md.topics[topic]?.error != nil {
            guard let partitions else {
                throw RunError(
                    "topic \(topic) does not exist at \(cluster.bootstrap); create it (kbench broker --topic \(topic):N on the embedded broker) or pass --partitions"
                )
            }
            try cluster.ensureTopic(topic, partitions: partitions)
        }
        let producer = try KafkaProducer(config: KafkaConfig(Seeder.producerDefaults).merging(cluster.baseConfig.properties), trackLatency: true)
        var sampler = KeySampler(keys: keys, distribution: keyDistribution)
        let start = MonotonicClock.nanoseconds()
        _ = try ProducerLoop(topic: topic, valueBytes: valueBytes, rate: rate)
            .run(producer: producer, count: messages, nextUserId: { UInt32(sampler.next()) })
        try producer.flush(timeoutMs: 120_000)
        let elapsed = Double(MonotonicClock.nanoseconds() - start) / 1e9
        let usage = ResourceUsage.current()
        let latency = producer.deliveryLatencyMicros
        print(
            String(
                format:
                    "delivered %d of %d events to %@ in %.3f s: %.0f msg/s, %.2f MB/s; CPU %.2f s; peak RSS %.1f MiB; delivery latency p50 %.1f ms, p99 %.1f ms",
                producer.delivered, messages, topic, elapsed, Double(producer.delivered) / elapsed,
                Double(producer.delivered * valueBytes) / 1e6 / elapsed, usage.cpuSeconds, usage.peakRssMib,
                Double(latency?.valueAtPercentile(50) ?? 0) / 1000, Double(latency?.valueAtPercentile(99) ?? 0) / 1000))
        if producer.failed > 0 {
            throw RunError("\(producer.failed) event(s) failed delivery: \(producer.firstFailure ?? "")")
        }
    }
}
