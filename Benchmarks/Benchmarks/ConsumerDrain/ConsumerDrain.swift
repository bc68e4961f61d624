// kbench's consumer loop (the one `kbench consume` and the sweep workers run) draining a backlog of 1,000,000
// keyed 100 B events in 40 partitions from an embedded broker hosted by this process, work none, with
// kbench's consumer defaults. One iteration = one fresh consumer assigned every partition from the beginning,
// until each partition reports its end.
import Benchmark
import KafkaBench

let messagesPerSecond = BenchmarkMetric.custom("msgs/s", polarity: .prefersLarger, useScalingFactor: false)
let backlog = 1_000_000
let partitions = 40

/// The broker lives for the whole benchmark run (set up once, used by each iteration on one thread).
final class Backlog: @unchecked Sendable {
    static let shared = Backlog()
    var broker: EmbeddedBroker?
}

let benchmarks: @Sendable () -> Void = {
    Benchmark(
        "drain 1M x 100 B events, 40 partitions, work none",
        configuration: .init(metrics: [.wallClock, .cpuTotal, .peakMemoryResident, messagesPerSecond],
                             warmupIterations: 1, maxDuration: .seconds(20), maxIterations: 10),
        closure: { benchmark in
            guard let broker = Backlog.shared.broker else { fatalError("setup did not run") }
            let properties = ConsumerProperties(
                cluster: KafkaConfig(["bootstrap.servers": broker.bootstrapServers]), embedded: true, commit: .none).withoutGroup
            let spec = WorkerSpec(
                name: "bench", topics: ["drain"], properties: properties, work: .none, commit: .none, mode: .count,
                assign: (0..<partitions).map { TopicPartition("drain", Int32($0)) })
            let start = MonotonicClock.nanoseconds()
            let final = try! ConsumerLoop(spec: spec) { _ in }.run()
            let elapsed = (final.doneNs ?? MonotonicClock.nanoseconds()) - start
            precondition(final.consumed == backlog, "drained \(final.consumed) of \(backlog)")
            benchmark.measurement(messagesPerSecond, Int(Double(final.consumed) * 1e9 / Double(max(1, elapsed))))
        },
        setup: {
            let broker = try EmbeddedBroker()
            try broker.createTopic("drain", partitions: partitions)
            let seeded = try Seeder.run(plan: SeedPlan(topic: "drain", partitions: partitions, messages: backlog),
                                        config: KafkaConfig(["bootstrap.servers": broker.bootstrapServers]))
            precondition(seeded.delivered == backlog, "seeded \(seeded.delivered) of \(backlog)")
            Backlog.shared.broker = broker
        },
        teardown: {
            Backlog.shared.broker?.shutdown()
            Backlog.shared.broker = nil
        })
}
