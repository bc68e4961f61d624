// Seeding (kbench seed, the sweep's preparation): 250,000 keyed 100 B events through the idempotent murmur2
// producer into a new 40-partition topic of an embedded broker hosted by this process, flushed. One topic per
// iteration, so the broker's ~5 MiB-per-partition retention never drops anything.
import Benchmark
import KafkaBench

let eventsPerSecond = BenchmarkMetric.custom("events/s", polarity: .prefersLarger, useScalingFactor: false)
let messages = 250_000
let partitions = 40

final class Cluster: @unchecked Sendable {
    static let shared = Cluster()
    var broker: EmbeddedBroker?
    var topics = 0
}

let benchmarks: @Sendable () -> Void = {
    Benchmark(
        "seed 250k x 100 B keyed events, 40 partitions",
        configuration: .init(metrics: [.wallClock, .cpuTotal, .peakMemoryResident, eventsPerSecond],
                             warmupIterations: 1, maxDuration: .seconds(20), maxIterations: 10),
        closure: { benchmark in
            let cluster = Cluster.shared
            guard let broker = cluster.broker else { fatalError("setup did not run") }
            cluster.topics += 1
            let topic = "seed-\(cluster.topics)"
            try! broker.createTopic(topic, partitions: partitions)
            let plan = SeedPlan(topic: topic, partitions: partitions, messages: messages)
            let ids = plan.userIds()
            benchmark.startMeasurement()
            let result = try! Seeder.run(plan: plan, config: KafkaConfig(["bootstrap.servers": broker.bootstrapServers]), userIds: ids)
            benchmark.stopMeasurement()
            precondition(result.delivered == messages && result.failed == 0, "delivered \(result.delivered), failed \(result.failed)")
            benchmark.measurement(eventsPerSecond, Int(result.messagesPerSecond))
        },
        setup: {
            Cluster.shared.broker = try EmbeddedBroker()
        },
        teardown: {
            Cluster.shared.broker?.shutdown()
            Cluster.shared.broker = nil
        })
}
