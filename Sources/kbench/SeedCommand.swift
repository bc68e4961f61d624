import ArgumentParser
import Foundation
import KafkaBench

/// `kbench seed`: a topic filled with keyed events, placed by murmur2 like Java clients place them.
/// Needs a cluster (`--bootstrap` or `KBENCH_BOOTSTRAP`): on the embedded broker the topic must come from
/// `kbench broker --topic`, since that mock creates no topics for clients.
struct SeedCommand: ParsableCommand {
    /// The command's name and one-line help.
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Create a topic and fill it with keyed events (key user-<id>, murmur2 partitioner, idempotent producer).")

    /// Where to seed: `--bootstrap` and client properties.
    @OptionGroup(title: "Cluster") var connection: ConnectionOptions

    @Option(help: ArgumentHelp("Topic to fill.", valueName: "name")) var topic: String
    /// The partition count the topic must have: an existing topic with another count is refused rather than reseeded.
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Partition count the topic must have (created with it if missing on a real cluster).", valueName: "count"),
        transform: NumberArgument.whole("--partitions", 1...10_000, oneOf: ("seed", "partition count")))
    var partitions: Int
    /// Events to produce to the topic as a whole.
    @Option(
        parsing: .unconditional, help: ArgumentHelp("Number of events.", default: 1_000_000, valueName: "count"),
        transform: NumberArgument.whole("--messages", 1...Int.max))
    var messages: Int = 1_000_000
    /// Distinct `user-<id>` keys, and how they are drawn.
    @Option(
        parsing: .unconditional, help: ArgumentHelp("Number of distinct user ids (keys).", default: 100_000, valueName: "count"),
        transform: NumberArgument.whole("--keys", 1...100_000_000))
    var keys: Int = 100_000
    @Option(
        help: ArgumentHelp("uniform or zipf:S.", default: KeyDistribution.uniform, valueName: "distribution"),
        transform: { try parseArgument($0, KeyDistribution.init(parsing:)) })
    var keyDistribution: KeyDistribution = .uniform
    /// Bytes of each value, the 24-byte event header included.
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Bytes per event value (at least \(EventRecord.headerSize), the event header).", default: 100, valueName: "bytes"),
        transform: NumberArgument.whole("--value-bytes", EventRecord.headerSize...1_000_000))
    var valueBytes: Int = 100
    /// Replicas when the topic is created on a real cluster; nil: min(3, brokers).
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Replication factor when creating the topic on a real cluster (default: min(3, brokers)).", valueName: "count"),
        transform: NumberArgument.whole("--replication-factor", 1...Int.max))
    var replicationFactor: Int?
    @Option(help: ArgumentHelp("Seed of the key sequence (same seed, same keys).", valueName: "number")) var seed: UInt64 = 42

    /// The seed plan the options describe; `validate` checks it, `run` produces it.
    var plan: SeedPlan {
        SeedPlan(
            topic: topic, partitions: partitions, messages: messages, keys: keys,
            distribution: keyDistribution, valueBytes: valueBytes, seed: seed)
    }

    /// Refuses numbers the plan cannot use (`SeedPlan.validate`) and a replication factor below 1.
    func validate() throws {
        try wrap { try plan.validate() }
        if let rf = replicationFactor, rf < 1 { throw ValidationError("--replication-factor must be at least 1 (got \(rf))") }
    }

    /// Creates or checks the topic, refuses a backlog the embedded broker would truncate, seeds it, and prints the
    /// delivered and the murmur2-expected count per partition; throws when a delivery failed or the counts differ.
    func run() throws {
        let cluster = try connection.connect(embeddedBrokers: nil)
        let md = try cluster.metadata()
        let ids = plan.userIds()
        if md.isEmbeddedBroker {
            let counts = SeedPlan.partitionCounts(userIds: ids, partitions: partitions)
            try plan.checkEmbeddedRetention(partitionCounts: counts)
        }
        let outcome = try cluster.ensureTopic(topic, partitions: partitions, replicationFactor: replicationFactor)
        Console.info("\(outcome == .created ? "created" : "using existing") topic \(topic) (\(partitions) partitions) on \(md.brokerKind)")
        let showProgress = Console.stderrIsTerminal
        let result = try Seeder.run(plan: plan, config: cluster.baseConfig, userIds: ids) { n in
            if showProgress { Console.info("  \(n) / \(messages) enqueued") }
        }
        let rate = Int(result.messagesPerSecond.rounded())
        print("delivered \(result.delivered) of \(messages) events to \(topic) in \(String(format: "%.2f", result.seconds)) s (\(rate) events/s)")
        print("partition  delivered  expected(murmur2)")
        for p in 0..<partitions {
            print(String(format: "%9d  %9d  %9d", p, result.deliveredPerPartition[p], result.expectedPerPartition[p]))
        }
        if result.failed > 0 || result.delivered != messages {
            throw RunError(
                "\(result.failed) event(s) failed delivery (first failure: \(result.firstFailure ?? "none reported")); \(result.delivered) of \(messages) delivered"
            )
        }
        if result.deliveredPerPartition != result.expectedPerPartition {
            throw RunError("delivered per-partition counts differ from murmur2 placement: is partitioner=murmur2_random overridden?")
        }
    }
}
