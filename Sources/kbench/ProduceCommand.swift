import ArgumentParser
import CSupport
import Foundation
import KafkaBench

/// `kbench produce`: one producer process (kbench's counterpart of kafka-producer-perf-test and `kcat -P`),
/// running the same producer loop as seeding; or, with `--duration`, the open-loop producers of a capacity run
/// (`--producers` processes on one schedule at `--rate`), reporting whether they held the rate.
struct ProduceCommand: ParsableCommand {
    /// The command's name and one-line help.
    static let configuration = CommandConfiguration(
        commandName: "produce",
        abstract: "Produce keyed events and print events/s, MB/s, CPU seconds, peak RSS and delivery latency.")

    /// Where to produce: `--bootstrap` and client properties (`-X`, `--config`).
    @OptionGroup(title: "Cluster") var connection: ConnectionOptions
    @Option(help: ArgumentHelp("Topic to write (must exist, or give --partitions to create it on a real cluster).", valueName: "name"))
    var topic: String
    /// Creates the topic when missing (real clusters); without it a missing topic is an error.
    @Option(
        parsing: .unconditional, help: ArgumentHelp("Partition count to create the topic with when it is missing (real clusters).", valueName: "count"),
        transform: NumberArgument.whole("--partitions", 1...10_000, oneOf: ("produce", "partition count")))
    var partitions: Int?
    /// Closed loop: exactly this many events as fast as allowed (or at `--rate`); excludes `--duration`.
    @Option(
        parsing: .unconditional, help: ArgumentHelp("Number of events (or give --rate and --duration).", valueName: "count"),
        transform: NumberArgument.whole("--messages", 1...Int.max))
    var messages: Int?
    /// Open loop: how long the capacity-style producers run (at least 100 ms); needs `--rate`.
    @Option(
        parsing: .unconditional, help: ArgumentHelp("Open loop: produce at --rate for this long, as a capacity run's producers do.", valueName: "duration"),
        transform: { try parseArgument($0, DurationValue.init(parsing:)) })
    var duration: DurationValue?
    /// Open-loop producer processes (1 to 16) sharing the one schedule.
    @Option(
        parsing: .unconditional, help: ArgumentHelp("With --duration: producer processes sharing the schedule.", default: 1, valueName: "count"),
        transform: NumberArgument.whole("--producers", 1...16))
    var producers: Int = 1
    /// Bytes of each value, the 24-byte event header included.
    @Option(
        parsing: .unconditional, help: ArgumentHelp("Bytes per event value (at least \(EventRecord.headerSize)).", default: 100, valueName: "bytes"),
        transform: NumberArgument.whole("--value-bytes", EventRecord.headerSize...1_000_000))
    var valueBytes: Int = 100
    /// Events per second, all producers together (at most 10,000,000); nil sends as fast as librdkafka accepts.
    @Option(
        parsing: .unconditional, help: ArgumentHelp("Events per second (default: as fast as possible; required with --duration).", valueName: "events/s"),
        transform: NumberArgument.rate("--rate"))
    var rate: Double?
    /// Distinct `user-<id>` keys.
    @Option(
        parsing: .unconditional, help: ArgumentHelp("Distinct keys (user ids).", default: 100_000, valueName: "count"),
        transform: NumberArgument.whole("--keys", 1...Int.max))
    var keys: Int = 100_000
    /// How keys are drawn (closed loop only: the open-loop producers always draw uniformly).
    @Option(
        help: ArgumentHelp(
            "uniform or zipf:S (with --messages; open-loop producers spread keys uniformly).", default: KeyDistribution.uniform, valueName: "distribution"),
        transform: { try parseArgument($0, KeyDistribution.init(parsing:)) })
    var keyDistribution: KeyDistribution = .uniform

    /// Refuses a missing or doubled choice between `--messages` and `--duration`, options of the other mode, and out of
    /// range numbers.
    func validate() throws {
        switch (messages, duration) {
        case (nil, nil): throw ValidationError("give --messages N, or --rate R with --duration D (open loop)")
        case (_?, _?): throw ValidationError("give either --messages or --duration, not both")
        case (let m?, nil): guard m >= 1 else { throw ValidationError("--messages must be at least 1 (got \(m))") }
        case (nil, let d?):
            guard rate != nil else { throw ValidationError("--duration needs --rate (open loop: events per second on a fixed schedule)") }
            guard d.nanoseconds >= 100_000_000 else { throw ValidationError("--duration must be at least 100ms (got \(d))") }
        }
        guard (1...16).contains(producers) else { throw ValidationError("--producers must be between 1 and 16 (got \(producers))") }
        if producers > 1 && duration == nil { throw ValidationError("--producers needs --duration (open loop)") }
        guard valueBytes >= EventRecord.headerSize, valueBytes <= 1_000_000 else {
            throw ValidationError("--value-bytes must be between \(EventRecord.headerSize) and 1000000 (got \(valueBytes))")
        }
        if let rate, !(rate > 0 && rate <= 10_000_000) { throw ValidationError("--rate must be above 0 and at most 10000000 (got \(rate))") }
        guard keys >= 1 else { throw ValidationError("--keys must be at least 1 (got \(keys))") }
        if duration != nil, keyDistribution != .uniform {
            throw ValidationError(
                "--key-distribution \(keyDistribution) applies to --messages runs; the open-loop producers (--duration) spread keys uniformly: drop it or use --messages"
            )
        }
    }

    /// Produces and prints one summary line (events/s, MB/s of values, CPU, peak RSS, delivery latency); throws when a
    /// delivery failed. With `--duration`, runs the open-loop producers instead.
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
        if let duration, let rate { return try runOpenLoop(cluster: cluster, rate: rate, duration: duration) }
        let messages = messages ?? 0
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
                    "delivered %d of %d events to %@ in %.3f s: %.0f events/s, %.2f MB/s; CPU %.2f s; peak RSS %.1f MiB; delivery latency p50 %.1f ms, p99 %.1f ms",
                producer.delivered, messages, topic, elapsed, Double(producer.delivered) / elapsed,
                Double(producer.delivered * valueBytes) / 1e6 / elapsed, usage.cpuSeconds, usage.peakRssMib,
                Double(latency?.valueAtPercentile(50) ?? 0) / 1000, Double(latency?.valueAtPercentile(99) ?? 0) / 1000))
        if producer.failed > 0 {
            throw RunError("\(producer.failed) event(s) failed delivery: \(producer.firstFailure ?? "")")
        }
    }

    /// `--duration`: the capacity run's producer processes, alone; prints whether they held the schedule.
    private func runOpenLoop(cluster: ClusterConnection, rate: Double, duration: DurationValue) throws {
        kbench_install_stop_handler()
        let plans = (0..<producers).map {
            ProductionPlan(
                topic: topic, rate: rate, producers: producers, index: $0, keys: keys, valueBytes: valueBytes,
                durationNs: duration.nanoseconds, properties: cluster.baseConfig.properties)
        }
        let fleet = try ProducerFleet(plans: plans, placement: try LocalPlacement(), runId: RunMetadata.newRunId())
        defer { fleet.end() }
        let start = try fleet.start()
        while MonotonicClock.nanoseconds() < start + duration.nanoseconds || !fleet.allDone {
            try fleet.pump(timeoutMs: 50)
            _ = fleet.takeCheckpoints()
            if MonotonicClock.nanoseconds() > start + duration.nanoseconds + 60_000_000_000 {
                throw RunError("the producers did not finish within 60 s of the end")
            }
        }
        let t = fleet.total
        let planned = plans.reduce(0) { $0 + $1.plannedEvents }
        let achieved = Double(t.delivered) / duration.seconds
        let held =
            Double(t.sent) >= CapacityConfiguration.producerShare * Double(planned) && t.failed == 0
            && Double(t.lateEvents) <= (1 - CapacityConfiguration.producerShare) * Double(planned)
        print(
            String(
                format:
                    "target %.0f events/s for %@ with %d producer process(es): sent %d of %d scheduled, delivered %d (%.0f events/s, %.2f%% of the target); %d sent >100 ms late (max %.1f ms); %@",
                rate, duration.description, producers, t.sent, planned, t.delivered, achieved, 100 * achieved / rate, t.lateEvents, t.maxLateMs,
                held ? "held the rate" : "did NOT hold the rate (needs ≥ 99% sent, ≤ 1% late, no failure)"))
        if t.failed > 0 { throw RunError("\(t.failed) event(s) failed delivery: \(t.firstFailure ?? "")") }
        if !held { throw KBenchExit.measuredFailure }
    }
}
