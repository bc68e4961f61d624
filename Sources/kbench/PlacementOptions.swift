import ArgumentParser
import Foundation
import KafkaBench

/// Where a run's consumers run: on this host (default) or on agents (`--agents N`). Shared by every command on
/// the trial engine.
/// The agent key is loaded in `validate()` already, so a missing key fails before any topic is created.
struct PlacementOptions: ParsableArguments {
    /// `--agents N` (1 to 1000); nil runs every consumer on this host and the other options must stay unset.
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Run the consumers on N agents ('kbench agent' on other hosts) instead of this host (default: on this host).", valueName: "count"),
        transform: NumberArgument.whole("--agents", 1...1000))
    var agents: Int?

    /// How long to wait for the agents to announce themselves before the run fails.
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Bound for the agents to announce themselves.", default: AgentSettings.defaultTimeout, valueName: "duration"),
        transform: { try parseArgument($0, DurationValue.init(parsing:)) })
    var agentsTimeout: DurationValue?

    /// `--placement spread|pack`; nil: `AgentSettings.defaultStrategy`.
    @Option(
        help: ArgumentHelp(
            "spread (fewest consumers per agent first) or pack (fill an agent's slots first).", default: AgentSettings.defaultStrategy.rawValue,
            valueName: "strategy"),
        transform: {
            try parseArgument($0) { (t) throws(UsageError) in
                guard let s = AgentSettings.Strategy(rawValue: t.lowercased()) else {
                    throw UsageError("invalid placement '\(t)': accepted forms are spread or pack")
                }
                return s
            }
        })
    var placement: AgentSettings.Strategy?

    /// `--agent-key-file`; nil falls back to the environment (`AgentKey.load`).
    @Option(
        help: ArgumentHelp(
            "File holding the key shared with the agents (default: $\(AgentKey.fileEnvironmentVariable), else $\(AgentKey.environmentVariable)).",
            valueName: "path"))
    var agentKeyFile: String?

    /// A trial fails when a worker's "go" round trip exceeds this (its window would have started late).
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Fail a trial when a consumer's \"go\" took longer than this to be confirmed.", default: AgentSettings.defaultGoBound, valueName: "duration"),
        transform: { try parseArgument($0, DurationValue.init(parsing:)) })
    var agentsGoBound: DurationValue?

    /// Refuses the agents' options without `--agents` (they would be ignored), a count out of range, and a key that
    /// cannot be loaded.
    func validate() throws {
        guard let agents else {
            let given = [
                placement.map { _ in "--placement" }, agentKeyFile.map { _ in "--agent-key-file" }, agentsTimeout.map { _ in "--agents-timeout" },
                agentsGoBound.map { _ in "--agents-go-bound" },
            ].compactMap { $0 }
            if !given.isEmpty {
                let one = given.count == 1
                throw ValidationError(
                    "\(given.joined(separator: ", ")) \(one ? "applies" : "apply") to agents only: give --agents N, or drop \(one ? "it" : "them")")
            }
            return
        }
        guard (1...1000).contains(agents) else { throw ValidationError("--agents must be between 1 and 1000 (got \(agents))") }
        _ = try settings()
    }

    /// Refuses `--agents` without `--bootstrap`: the agents must reach the cluster too. `topics` says why a
    /// `kbench broker` in another process will not do, for a command that creates its own topics (nil: it will).
    func requireSharedCluster(bootstrap: String?, topics: String?) throws {
        guard agents != nil, bootstrap == nil else { return }
        if let topics {
            throw ValidationError(
                "--agents needs a cluster the agents reach too: give --bootstrap HOST:PORT of a real cluster (\(topics), "
                    + "which a 'kbench broker' in another process cannot)")
        }
        throw ValidationError(
            "--agents needs a cluster the agents reach too: give --bootstrap HOST:PORT (for a local one, 'kbench broker --topic NAME:PARTITIONS')")
    }

    /// The agent settings, or nil for local consumers.
    func settings() throws -> AgentSettings? {
        guard let agents else { return nil }
        let key = try wrap { try AgentKey.load(file: agentKeyFile) }
        var s = AgentSettings(count: agents, key: key)
        s.timeout = agentsTimeout ?? AgentSettings.defaultTimeout
        s.strategy = placement ?? AgentSettings.defaultStrategy
        s.goBound = agentsGoBound ?? AgentSettings.defaultGoBound
        return s
    }
}
