/// The runner ↔ worker protocol: line-delimited JSON over the worker's stdin and stdout.
///
/// Runner → worker: first a `WorkerSpec` line, then `RunnerCommand` lines. EOF on stdin means "exit now".
/// Worker → runner: `WorkerEvent` lines.

/// Everything a worker process needs to know, sent as its first stdin line.
public struct WorkerSpec: Codable, Sendable {
    /// The consumer's name in results, e.g. "c07".
    public var name: String
    /// Topics to subscribe to.
    public var topics: [String]
    /// Complete librdkafka configuration (bootstrap, group.id, assignor, …).
    public var properties: [String: String]
    public var work: String
    public var commit: String
    /// How the loop runs; see `ConsumerLoopMode`.
    public var mode: ConsumerLoopMode
    public var progressIntervalMs: Int
    /// Partitions to assign directly instead of joining a group (nil: subscribe to `topics` in the group).
    public var assign: [TopicPartition]?
    /// `count` mode: stop after this many messages (nil: when every assigned partition reached its end).
    public var maxMessages: Int?

    public init(name: String, topics: [String], properties: [String: String], work: String, commit: String,
                mode: ConsumerLoopMode, progressIntervalMs: Int = 100, assign: [TopicPartition]? = nil, maxMessages: Int? = nil) {
        self.name = name; self.topics = topics; self.properties = properties; self.work = work
        self.commit = commit; self.mode = mode; self.progressIntervalMs = progressIntervalMs
        self.assign = assign; self.maxMessages = maxMessages
    }
}

/// How a consumer loop starts, what it records and when it stops.
public enum ConsumerLoopMode: String, Codable, Sendable {
    /// Sweep, window mode: paused until "go", counts messages inside the runner's window.
    case window
    /// Sweep, drain mode: paused until "go", done when every assigned partition reached its end.
    case drain
    /// Rebalance runs: consumes at once, reports every message (partition, offset, time, latency) after each
    /// batch and before committing it, until "stop".
    case live
    /// `kbench consume`: consumes at once until `maxMessages` or the end of every assigned partition.
    case count

    var gated: Bool { self == .window || self == .drain }
}

/// One consumed message as a `live` worker reports it.
public struct MessageSample: Codable, Sendable, Equatable {
    public var partition: Int32
    public var offset: Int64
    /// CLOCK_MONOTONIC microseconds when processing finished.
    public var atMicros: UInt64
    /// End-to-end latency in microseconds: processing end minus the event's (intended) produce time.
    public var latencyMicros: UInt64
}

/// A command from the runner.
public struct RunnerCommand: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case go, stop }
    public var cmd: Kind
    /// Window mode: CLOCK_MONOTONIC nanoseconds of the measurement window (shared by all processes).
    public var windowStartNs: UInt64?
    public var windowEndNs: UInt64?

    public init(cmd: Kind, windowStartNs: UInt64? = nil, windowEndNs: UInt64? = nil) {
        self.cmd = cmd; self.windowStartNs = windowStartNs; self.windowEndNs = windowEndNs
    }
}

/// Per-partition verification of what one consumer saw.
public struct PartitionAuditReport: Codable, Sendable, Equatable {
    public var topicPartition: TopicPartition
    public var firstOffset: Int64
    public var lastOffset: Int64
    public var count: Int
    /// Offsets seen again (at or below the highest offset already seen).
    public var duplicates: Int
    /// Offsets skipped between consecutive messages.
    public var gaps: Int
}

/// A worker's totals, sent once when it stops measuring.
public struct WorkerFinal: Codable, Sendable {
    public var consumed: Int
    public var bytes: Int
    public var windowMessages: Int
    public var windowBytes: Int
    /// When the worker resumed its partitions after "go".
    public var goNs: UInt64
    /// Drain mode: when the last of its partitions reached its end (goNs when it had none).
    public var doneNs: UInt64?
    public var cpuSeconds: Double
    public var peakRssMb: Double
    public var audits: [PartitionAuditReport]
    /// Partitions that reached their end inside the measurement window (window mode: the backlog was too small).
    public var drainedInWindow: [TopicPartition]
    /// Assignment changes seen after "go" (a stable trial has none).
    public var rebalancesAfterGo: Int
}

/// One line from a worker.
public struct WorkerEvent: Codable, Sendable {
    public enum Kind: String, Codable, Sendable { case ready, assignment, started, progress, final, closed, error }
    public var event: Kind
    /// CLOCK_MONOTONIC nanoseconds when the event happened.
    public var t: UInt64
    /// `assignment`: the whole assignment after the change.
    public var partitions: [TopicPartition]?
    /// `assignment`: assigned, revoked or lost.
    public var change: String?
    /// `progress`: messages and bytes consumed so far.
    public var messages: Int?
    public var bytes: Int?
    /// `progress` in live mode: every message processed since the previous report, flattened as
    /// [partition, offset, atMicros, latencyMicros] quadruples (compact on the pipe).
    public var samples: [Int64]?
    public var final: WorkerFinal?
    /// `error`: what went wrong; `fatal` when the worker is giving up.
    public var message: String?
    public var fatal: Bool?

    public init(event: Kind, t: UInt64 = MonotonicClock.nanoseconds()) {
        self.event = event
        self.t = t
    }
}
