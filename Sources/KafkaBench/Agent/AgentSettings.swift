/// How a run uses agents (`--agents N` and its companions), shared by every command on the trial engine.
/// Built by the commands' placement options and read by `AgentPlacement` when the run starts; a plain value.
public struct AgentSettings: Sendable {
    /// How consumers are spread over agents.
    /// The raw value is what `--placement` takes.
    public enum Strategy: String, Sendable, CaseIterable {
        /// Each consumer on the agent running the fewest (ties: by name).
        case spread
        /// Fill an agent's slots before using the next (by name).
        case pack
    }

    /// Agents to wait for and use.
    public var count: Int
    /// Bound for `count` agents to announce themselves.
    public var timeout: DurationValue = Self.defaultTimeout
    /// How consumers are placed on the agents (`--agent-strategy`).
    public var strategy: Strategy = Self.defaultStrategy
    /// The shared key that signs the control messages; agents started with another key refuse the runner.
    public var key: AgentKey
    /// Agents end their workers when the runner has not renewed its lease for this long.
    public var leaseMs = 5_000
    /// An agent silent for this long is lost: its workers fail their trial and it leaves the placement.
    public var silenceMs = 3_000
    /// A trial fails when a worker's "go" took longer than this to be confirmed (the round trip bounds how late
    /// the worker started its window).
    public var goBound: DurationValue = Self.defaultGoBound

    /// The defaults of `timeout`, `strategy` and `goBound`, for the command line's help.
    public static let defaultTimeout = DurationValue.seconds(60)
    public static let defaultStrategy = Strategy.spread
    public static let defaultGoBound = DurationValue.milliseconds(200)

    /// The settings for `count` agents with every bound at its default.
    public init(count: Int, key: AgentKey) {
        self.count = count
        self.key = key
    }
}

/// Where one consumer of one trial ran, for results.
/// Made by `AgentPlacement` per trial and written by `AgentAssignmentsFile` to `X.placement.csv`.
public struct AgentAssignment: Sendable, Equatable {
    /// The consumer's name ("c03").
    public var consumer: String
    /// The agent that ran it, and that agent's host.
    public var agent: String
    public var host: String
    /// Round trip from sending "go" to the agent's confirmation that the worker got it (ms; nil: not reached).
    public var goRoundTripMs: Double?
}
