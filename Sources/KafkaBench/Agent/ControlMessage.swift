/// One message between a runner and its agents, on the control topic (runner → agents) or the reports topic
/// (agents → runner). On the wire it is `<64 hex digits of HMAC-SHA256>.<JSON>`, the tag computed over the JSON
/// bytes with the shared `AgentKey` (see `ControlCodec`).
public struct ControlMessage: Codable, Sendable {
    /// The message types; the raw value is the JSON's `kind`. Each case says its direction and the fields it uses.
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

    /// What the message is; it decides which optional fields must be present.
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
    /// The worker's id within the run (spawn, command, end, kill, event, exited, goReceived; refused when it named one).
    public var worker: String?
    /// `spawn`: the worker's spec; the agent checks it (`WorkerSpecPolicy`) and overrides its connection properties.
    public var spec: WorkerSpec?
    /// `command`: what to pass to the worker, its times on the runner's clock (the agent translates them).
    public var command: RunnerCommand?
    /// `event`: the worker's stdout line, re-encoded with its times on the runner's clock (or, if it was not a
    /// `WorkerEvent`, the raw text with secrets scrubbed, up to 2,000 characters).
    public var line: String?
    /// `announce`: the agent's host and versions.
    public var facts: AgentFacts?
    /// `lease`: how long the hold lasts from its receipt, ms (the agent clamps it to 1 to 60 s; 5 s when missing).
    public var leaseMs: Int?
    /// `exited`: the worker's exit status, and the same in words ("exited with status 1", "killed by signal 9").
    public var exitStatus: Int32?
    public var exitDescription: String?
    /// `exited`: the end of the worker's stderr, secrets scrubbed, up to 2,000 characters.
    public var stderrTail: String?
    /// `refused`: why.
    public var reason: String?
    /// `announce`: workers running on the agent now.
    public var running: Int?

    /// The envelope; `ControlCodec.make` fills nonce and times, and the caller sets the kind's fields.
    public init(kind: Kind, run: String, from: String, to: String? = nil, nonce: String, issuedAtMs: Int64, expiresAtMs: Int64) {
        self.kind = kind; self.run = run; self.from = from; self.to = to
        self.nonce = nonce; self.issuedAtMs = issuedAtMs; self.expiresAtMs = expiresAtMs
    }
}

/// What an agent tells runners about itself and its host.
/// Sent in every `announce`; the runner checks them (agreeing librdkafka versions, free slots) to place workers.
public struct AgentFacts: Codable, Sendable, Equatable {
    /// The agent's name (`--name`), the address runners use.
    public var name: String
    /// The host's name.
    public var host: String
    /// The host's active processor count, and its physical memory in GiB (2^30 bytes, one decimal).
    public var cores: Int
    public var memoryGib: Double
    /// Workers it runs at most at once.
    public var slots: Int
    /// The kbench and librdkafka versions the agent (and so its workers) runs; a runner refuses agents
    /// whose librdkafka versions differ, since a run records one client version.
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
