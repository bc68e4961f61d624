import ArgumentParser
import CSupport
import Foundation
import KafkaBench

/// `kbench agent`: runs the consumers of runners elsewhere on this host (see `Agent`).
/// Runs in the foreground on the calling thread until Ctrl-C or SIGTERM; its workers are its child processes.
struct AgentCommand: ParsableCommand {
    /// The command's name, one-line help and what the agent trusts (only its own options and key).
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Run consumers for 'kbench sweep --agents N' on this host, coordinated through Kafka.",
        discussion: """
            Reads authenticated messages from <prefix>-agents-control and reports on <prefix>-agents-reports \
            (created when missing). Starts nothing but its own 'kbench worker' with a spec it checks field by field. \
            Connection properties, file locations and credentials come from this agent's own -X/--config, never \
            from a message. The shared key comes from --agent-key-file, $KBENCH_AGENT_KEY_FILE or $KBENCH_AGENT_KEY. \
            Ctrl-C (or SIGTERM) ends its workers and stops it.
            """)

    /// The name runners address; nil uses the host name (see `effectiveName`).
    @Option(help: ArgumentHelp("This agent's name (default: the host name).", valueName: "name")) var name: String?

    /// Workers at most at once (1 to 1000); nil uses the host's active processor count.
    @Option(
        parsing: .unconditional, help: ArgumentHelp("Workers it runs at most at once (default: the host's cores).", valueName: "count"),
        transform: NumberArgument.whole("--slots", 1...1000))
    var slots: Int?

    /// Must match the runner's `--topic-prefix`, or the two never see each other's messages.
    @Option(
        help: ArgumentHelp(
            "Prefix of the control topics (<prefix>-agents-control, <prefix>-agents-reports); the runner's --topic-prefix.", valueName: "prefix"))
    var topicPrefix: String = SweepConfiguration.standard.topicPrefix

    /// `--agent-key-file`; nil falls back to the environment (`AgentKey.load`).
    @Option(
        help: ArgumentHelp(
            "File holding the key shared with the runner (default: $\(AgentKey.fileEnvironmentVariable), else $\(AgentKey.environmentVariable)).",
            valueName: "path"))
    var agentKeyFile: String?

    /// `--key-file`, the old spelling of `--agent-key-file` (the runner's name for the same file).
    @Option(name: .customLong("key-file"), help: .hidden) var oldKeyFile: String?

    /// The key file given under either spelling.
    var keyFile: String? { agentKeyFile ?? oldKeyFile }

    /// The cluster the control topics live on, and this agent's own client properties (its workers get them too).
    @OptionGroup(title: "Cluster") var connection: ConnectionOptions

    /// `--name`, else the host name with every character other than a letter, digit, "-" or "_" replaced by "-", cut
    /// to 64 characters (`validate` still refuses non-ASCII letters).
    var effectiveName: String {
        name ?? String(ProcessInfo.processInfo.hostName.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-" }.prefix(64))
    }

    /// Refuses an invalid name, slot count or topic prefix, a missing bootstrap, both key-file spellings together, and a
    /// key that cannot be loaded.
    func validate() throws {
        guard WorkerSpecPolicy.isName(effectiveName, max: 64) else {
            throw ValidationError("--name '\(effectiveName)' must be 1 to 64 of [A-Za-z0-9_-]")
        }
        if let slots, !(1...1000).contains(slots) { throw ValidationError("--slots must be between 1 and 1000 (got \(slots))") }
        guard WorkerSpecPolicy.isName(topicPrefix.replacingOccurrences(of: ".", with: "_"), max: 200) else {
            throw ValidationError("--topic-prefix must be 1 to 200 of [A-Za-z0-9._-]")
        }
        guard connection.effectiveBootstrap != nil else {
            throw ValidationError("an agent needs the cluster: give --bootstrap HOST:PORT (or set KBENCH_BOOTSTRAP)")
        }
        _ = try RenamedOption.value(agentKeyFile, "--agent-key-file", old: oldKeyFile, "--key-file")
        _ = try wrap { try AgentKey.load(file: keyFile) }
    }

    /// Serves runners until Ctrl-C or SIGTERM (`Agent.run`), then ends its workers.
    func run() throws {
        kbench_install_stop_handler()
        if let note = RenamedOption.note(old: oldKeyFile, "--key-file", "--agent-key-file") { Console.info(note) }
        let cluster = try connection.connect(embeddedBrokers: nil)
        let key = try wrap { try AgentKey.load(file: keyFile) }
        let options = Agent.Options(
            name: effectiveName, slots: slots ?? max(1, ProcessInfo.processInfo.activeProcessorCount),
            topics: ControlTopics(prefix: topicPrefix), config: cluster.baseConfig, key: key,
            executable: try WorkerLauncher.executablePath())
        let name = effectiveName
        let agent = try Agent(options: options) { Console.info("kbench agent \(name): \($0)") }
        agent.run { kbench_stop_signal() != 0 }
        Console.info("kbench agent \(name): stopped")
    }
}
