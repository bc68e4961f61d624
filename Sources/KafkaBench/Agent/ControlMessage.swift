/// One message between a runner and its agents, on the control topic (runner → agents) or the reports topic
/// (agents → runner). On the wire it is `<64 hex digits of HMAC-SHA256>.<JSON>`, the tag computed over the JSON
/// bytes with the shared `AgentKey` (see `ControlCodec`).
public struct ControlMessage: Codable, Sendable {
    public enum Kind: String, Codable, Sendable {
        /// Runner → agent: the runner `run` holds the agent for `leaseMs` more; renewed every second.
        case lease
        /// Runner → agent: start worker `worker` with `spec`.
        case spawn
        /// Runner → agent: pass `command` to worker `worker`.
        case command
        /// Runner → agent: close worker `worker`'s input (it exits at once).
        case end
        /// Runner → agent: SIGKILL worker `worker`.
        case kill
        /// Runner → agent: the run is over; end its workers and free the agent.
        case release
        /// Agent → runners: who it is (`facts`) and how busy; sent every second (its heartbeat).
        case announce
        /// Agent → runner: a line worker `worker` wrote (`line`, its times translated to the runner's clock).
        case event
        /// Agent → runner: worker `worker` ended (`exitStatus`, `exitDescription`, `stderrTail`).
        case exited
        /// Agent → runner: worker `worker` was handed the "go" the runner sent at `sentNs`.
        case goReceived
        /// Agent → runner: the agent refused a message (`reason`); for a spawn, `worker` names the worker.
        case refused
    }

    public var kind: Kind
    /// The runner's run id (announcements: the run holding the agent, or "").
    public var run: String
    /// The sender: "runner" or the agent's name.
    public var from: String
    /// The agent a runner message is for.
    public var to: String?
    /// 128 random bits, hex: a message is accepted once.
    public var nonce: String
    /// Sender's wall clock when sent, ms since 1970; only for freshness (never for measurement).
    public var issuedAtMs: Int64
    /// Not accepted after this (sender's wall clock, ms since 1970).
    public var expiresAtMs: Int64
    /// Sender's CLOCK_MONOTONIC when sent: the receiver pairs it with its own clock to translate times.
    public var sentNs: UInt64?
    public var worker: String?
    public var spec: WorkerSpec?
    public var command: RunnerCommand?
    public var line: String?
    public var facts: AgentFacts?
    public var leaseMs: Int?
    public var exitStatus: Int32?
    public var exitDescription: String?
    public var stderrTail: String?
    public var reason: String?
    /// `announce`: workers running on the agent now.
    public var running: Int?

    public init(kind: Kind, run: String, from: String, to: String? = nil, nonce: String, issuedAtMs: Int64, expiresAtMs: Int64) {
        self.kind = kind; self.run = run; self.from = from; self.to = to
        self.nonce = nonce; self.issuedAtMs = issuedAtMs; self.expiresAtMs = expiresAtMs
    }
}

/// What an agent tells runners about itself and its host.
public struct AgentFacts: Codable, Sendable, Equatable {
    public var name: String
    public var host: String
    public var cores: Int
    public var memoryGib: Double
    /// Workers it runs at most at once.
    public var slots: Int
    public var kbenchVersion: String
    public var librdkafkaVersion: String

    public init(name: String, host: String, cores: Int, memoryGib: Double, slots: Int, kbenchVersion: String, librdkafkaVersion: String) {
        self.name = name; self.host = host; self.cores = cores; self.memoryGib = memoryGib; self.slots = slots
        self.kbenchVersion = kbenchVersion; self.librdkafkaVersion = librdkafkaVersion
    }

    /// One line for logs and results: "a1 on host-x (2 cores, 23.5 GiB, 4 slots, kbench 0.1.0, librdkafka 2.0.2)".
    public var summary: String {
        "\(name) on \(host) (\(cores) cores, \(memoryGib) GiB, \(slots) slots, kbench \(kbenchVersion), librdkafka \(librdkafkaVersion))"
    }
}
