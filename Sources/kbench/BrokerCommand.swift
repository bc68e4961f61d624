import ArgumentParser
import Foundation
import KafkaBench

/// `kbench broker`: the embedded cluster in the foreground, for tutorials and for sweeps that should take the
/// real-cluster code path (`--bootstrap`).
/// Runs in the foreground until Ctrl-C or SIGTERM; the cluster lives in this process (mock) or its child (Tansu).
struct BrokerCommand: ParsableCommand {
    /// The command's name, one-line help and discussion as `kbench broker --help` prints them.
    static let configuration = CommandConfiguration(
        commandName: "broker",
        abstract: "Run an embedded Kafka cluster (librdkafka's mock) in the foreground until Ctrl-C.",
        discussion: """
            Prints its bootstrap servers on the first line of stdout. Topics must be created here with --topic: \
            the embedded broker answers no CreateTopics or DeleteTopics request, keeps only ~5 MiB per partition, \
            and holds everything in memory until it stops. It runs on the selected librdkafka (--librdkafka): the \
            version sets its group timers (a new group's first rebalance: 3 s on 2.0.2, 1 s from 2.6) and whether \
            it hosts the consumer protocol (KIP-848, from 2.8).
            """)

    /// `--librdkafka`: which librdkafka the mock (or Tansu's clients) runs on, selected before anything loads it.
    @OptionGroup var library: LibraryOptions

    @Option(
        help: ArgumentHelp(
            "mock (librdkafka's mock cluster, in this process) or tansu (Tansu, an independent Kafka-protocol broker, as a child process; needs librdkafka ≥ 2.2, e.g. --librdkafka 2.16.0).",
            valueName: "mock|tansu"))
    var engine: BrokerEngine = .mock

    /// `--embedded-brokers`: nil when not given, so `validate` can tell it from the old `--brokers` spelling.
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Number of brokers, 1 to 32 (--engine mock only).", default: Self.defaultBrokers, valueName: "count"),
        transform: NumberArgument.whole("--embedded-brokers", 1...32))
    var embeddedBrokers: Int?

    /// `--brokers`, the old spelling of `--embedded-brokers` (what every other command calls the same count).
    @Option(name: .customLong("brokers"), parsing: .unconditional, help: .hidden, transform: NumberArgument.whole("--brokers", 1...32))
    var oldBrokers: Int?

    /// Brokers of the mock cluster when no count is given: enough for `failover` and `broker-down` tutorials.
    static let defaultBrokers = 3

    /// The broker count given under either spelling.
    var brokers: Int? { embeddedBrokers ?? oldBrokers }

    /// Topics to create before printing the bootstrap servers (the mock refuses CreateTopics from clients).
    @Option(
        name: .long, help: ArgumentHelp("Create a topic (repeatable).", valueName: "name:partitions"),
        transform: { try parseArgument($0, TopicSpec.init(parsing:)) })
    var topic: [TopicSpec] = []

    @Option(name: .long, help: ArgumentHelp("Also write the bootstrap servers to this file (removed when the broker stops).", valueName: "path"))
    var bootstrapFile: String?

    /// Refuses both spellings of the broker count together, a count with Tansu (one broker), a librdkafka too old for
    /// Tansu, a topic named twice, and a `--bootstrap-file` that exists (it would be overwritten, then deleted).
    func validate() throws {
        _ = try RenamedOption.value(embeddedBrokers, "--embedded-brokers", old: oldBrokers, "--brokers")
        if engine == .tansu, let brokers, brokers != 1 {
            throw ValidationError("--embedded-brokers \(brokers): kbench runs Tansu as one broker (--embedded-brokers applies to --engine mock)")
        }
        if engine == .tansu { try wrap { try TansuBroker.checkClient() } }
        let names = topic.map(\.name)
        if Set(names).count != names.count { throw ValidationError("--topic names a topic twice: \(names.joined(separator: ", "))") }
        // the file is removed when the broker stops: never one kbench did not write
        if let bootstrapFile, FileManager.default.fileExists(atPath: bootstrapFile) {
            throw ValidationError(
                "--bootstrap-file \(bootstrapFile) already exists; kbench writes that file and removes it when the broker stops, "
                    + "so it must be a new path: remove it (a previous broker's, if it crashed) or choose another")
        }
    }

    /// Runs the mock cluster (or Tansu) until SIGINT or SIGTERM: prints the bootstrap servers on stdout's first line,
    /// creates the topics, writes `--bootstrap-file`, and removes that file again when it stops.
    func run() throws {
        if let note = RenamedOption.note(old: oldBrokers, "--brokers", "--embedded-brokers") { Console.info(note) }
        if engine == .tansu { return try runTansu() }
        let brokers = brokers ?? Self.defaultBrokers
        let signals = SignalWaiter(signals: [SIGINT, SIGTERM])
        let broker = try EmbeddedBroker(brokers: brokers)
        for t in topic { try broker.createTopic(t.name, partitions: t.partitions) }
        Console.output(broker.bootstrapServers)
        if let bootstrapFile {
            do {
                try (broker.bootstrapServers + "\n").write(toFile: bootstrapFile, atomically: true, encoding: .utf8)
            } catch {
                broker.shutdown()
                throw ValidationError("cannot write --bootstrap-file \(bootstrapFile): \(error.localizedDescription)")
            }
        }
        let topics = topic.map { "\($0.name) (\($0.partitions) partitions)" }.joined(separator: ", ")
        Console.info(
            "embedded librdkafka \(LibrdkafkaRuntime.version) mock cluster, \(brokers) broker\(brokers == 1 ? "" : "s") at \(broker.bootstrapServers)"
                + (topics.isEmpty ? "" : "; topics: \(topics)") + "; group timers: \(EmbeddedBrokerTimers.summary(hostedBy: broker)). Ctrl-C stops it.")
        let signal = signals.wait()
        broker.shutdown()
        if let bootstrapFile { try? FileManager.default.removeItem(atPath: bootstrapFile) }
        Console.info("embedded broker stopped (signal \(signal))")
    }
}

/// Which broker `kbench broker` runs.
/// The raw value is what `--engine` takes.
enum BrokerEngine: String, ExpressibleByArgument, CaseIterable {
    /// librdkafka's mock cluster, in this process (no CreateTopics, ~5 MiB kept per partition).
    case mock
    /// Tansu, an independent Kafka-protocol broker, started as a child process.
    case tansu
}

extension BrokerCommand {
    /// Tansu as a child process: its topics through the admin API, like any real cluster's.
    func runTansu() throws {
        let signals = SignalWaiter(signals: [SIGINT, SIGTERM])
        let broker = try wrap { try TansuBroker() }
        defer { broker.stop() }
        let cluster = ClusterConnection(bootstrap: broker.bootstrapServers)
        for t in topic { try cluster.ensureTopic(t.name, partitions: t.partitions) }
        Console.output(broker.bootstrapServers)
        if let bootstrapFile {
            do { try (broker.bootstrapServers + "\n").write(toFile: bootstrapFile, atomically: true, encoding: .utf8) } catch {
                throw ValidationError("cannot write --bootstrap-file \(bootstrapFile): \(error.localizedDescription)")
            }
        }
        let topics = topic.map { "\($0.name) (\($0.partitions) partitions)" }.joined(separator: ", ")
        Console.info(
            "\(broker.version) at \(broker.bootstrapServers), in-memory storage (clients on librdkafka \(LibrdkafkaRuntime.version))"
                + (topics.isEmpty ? "" : "; topics: \(topics)") + ". Ctrl-C stops it.")
        let signal = signals.wait()
        broker.stop()
        if let bootstrapFile { try? FileManager.default.removeItem(atPath: bootstrapFile) }
        Console.info("Tansu stopped (signal \(signal))")
    }
}

/// `NAME:PARTITIONS` as given to `kbench broker --topic`.
/// The partition count is 1 to 10,000; the name is passed to the broker as given.
struct TopicSpec: Sendable {
    var name: String
    var partitions: Int

    /// Parses `NAME:PARTITIONS` at the last colon (1 to 10,000 partitions).
    init(parsing text: String) throws(UsageError) {
        guard let colon = text.lastIndex(of: ":") else {
            throw UsageError("invalid topic '\(text)': expected NAME:PARTITIONS, e.g. user-events:40")
        }
        name = String(text[..<colon])
        guard !name.isEmpty else { throw UsageError("invalid topic '\(text)': the name before ':' is empty") }
        guard let p = Int(text[text.index(after: colon)...]), p > 0, p <= 10_000 else {
            throw UsageError("invalid topic '\(text)': the partition count after ':' must be a whole number from 1 to 10000")
        }
        partitions = p
    }
}
