import ArgumentParser
import Foundation
import KafkaBench

/// `kbench consume`: one consumer process, as fast as it goes (kbench's counterpart of kafka-consumer-perf-test
/// and `kcat -C`). Runs the same consumer loop as the sweep's workers.
/// Consumes in this process, on the calling thread: no worker process, no runner.
struct ConsumeCommand: ParsableCommand {
    /// The command's name, one-line help and how it reads without `--group`.
    static let configuration = CommandConfiguration(
        commandName: "consume",
        abstract: "Consume a topic in one process and print events/s, MB/s, CPU seconds and peak RSS.",
        discussion: "Without --group it assigns every partition directly from the beginning (like kcat -C -e); with --group it joins that group.")

    /// Where to consume from: `--bootstrap` and client properties.
    @OptionGroup(title: "Cluster") var connection: ConnectionOptions
    /// The topic; it must exist.
    @Option(help: ArgumentHelp("Topic to read.", valueName: "name")) var topic: String
    /// A group to join (its committed offsets apply); nil assigns every partition from the beginning, no group.
    @Option(help: ArgumentHelp("Join this consumer group instead of assigning all partitions.", valueName: "name")) var group: String?
    /// Per-message work, as the sweep's workers do it (default none: the client's own rate).
    @Option(
        help: ArgumentHelp("Per-message work: none, sleep:DURATION or spin:DURATION.", default: WorkModel.none, valueName: "model"),
        transform: { try parseArgument($0, WorkModel.init(parsing:)) })
    var work: WorkModel = .none
    /// Stop after this many messages; nil stops when every assigned partition reached its end.
    @Option(
        parsing: .unconditional, help: ArgumentHelp("Stop after this many messages (default: at the end of every partition).", valueName: "count"),
        transform: NumberArgument.whole("--messages", 1...Int.max))
    var messages: Int?
    /// How to commit, with `--group` only (default: never).
    @Option(
        help: ArgumentHelp("\(CommitMode.acceptedForms); with --group only.", default: CommitMode.none, valueName: "mode"),
        transform: { try parseArgument($0, CommitMode.init(parsing:)) })
    var commit: CommitMode = .none

    /// Refuses `--messages` below 1 and `--commit` without a group (nothing would be committed).
    func validate() throws {
        if let m = messages, m < 1 { throw ValidationError("--messages must be at least 1 (got \(m))") }
        if group == nil, commit != .none {
            throw ValidationError("--commit needs --group: without a group nothing is committed")
        }
    }

    /// Consumes in this process with the sweep's consumer loop and prints one summary line (events/s, MB/s of key + value,
    /// CPU, peak RSS); a consumer error is printed after it.
    func run() throws {
        let cluster = try connection.connect(embeddedBrokers: nil)
        let md = try cluster.metadata()
        guard let info = md.topics[topic], info.error == nil, info.partitions > 0 else {
            throw RunError("topic \(topic) does not exist at \(cluster.bootstrap)")
        }
        var properties = ConsumerProperties(cluster: cluster.baseConfig, embedded: md.isEmbeddedBroker, commit: commit).withoutGroup
        if let group { properties["group.id"] = group }
        let spec = WorkerSpec(
            name: "consume", topics: [topic], properties: properties, work: work, commit: commit,
            mode: .count, assign: group == nil ? (0..<info.partitions).map { TopicPartition(topic, Int32($0)) } : nil,
            maxMessages: messages)
        let start = MonotonicClock.nanoseconds()
        var firstError: String?
        let final = try ConsumerLoop(spec: spec) { event in
            if event.event == .error, firstError == nil { firstError = event.message }
        }.run()
        let seconds = Double((final.doneNs ?? MonotonicClock.nanoseconds()) - start) / 1e9
        let usage = ResourceUsage.current()
        print(
            String(
                format: "consumed %d messages (%.1f MB) from %@ in %.3f s: %.0f events/s, %.2f MB/s; CPU %.2f s; peak RSS %.1f MiB",
                final.consumed, Double(final.bytes) / 1e6, topic, seconds, Double(final.consumed) / seconds,
                Double(final.bytes) / 1e6 / seconds, usage.cpuSeconds, usage.peakRssMib))
        if let firstError { Console.info("consumer reported: \(firstError)") }
    }
}
