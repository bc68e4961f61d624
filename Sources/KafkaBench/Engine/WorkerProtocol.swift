import Histogram

/// The runner ↔ worker protocol: line-delimited JSON over the worker's stdin and stdout.
///
/// Runner → worker: first a `WorkerSpec` line, then `RunnerCommand` lines. EOF on stdin means "exit now".
/// Worker → runner: `WorkerEvent` lines.

/// Everything a worker process needs to know, sent as its first stdin line.
/// Built on the runner; an agent checks it field by field (`WorkerSpecPolicy`) before passing it on.
public struct WorkerSpec: Codable, Sendable {
    /// The consumer's name in results, e.g. "c07".
    public var name: String
    /// Topics to subscribe to.
    public var topics: [String]
    /// The complete librdkafka configuration, built by `ConsumerProperties` and applied as it is.
    public var properties: [String: String]
    /// The per-message work the consumer does before a message counts as processed.
    public var work: WorkModel
    /// How and when the consumer commits offsets.
    public var commit: CommitMode
    /// How the loop runs; see `ConsumerLoopMode`.
    public var mode: ConsumerLoopMode
    /// Partitions to assign directly instead of joining a group (nil: subscribe to `topics` in the group).
    public var assign: [TopicPartition]?
    /// `count` mode: stop after this many messages (nil: when every assigned partition reached its end).
    public var maxMessages: Int?
    /// `produce` mode: what this producer process sends (the consumer fields above are then unused).
    public var production: ProductionPlan?
    /// false: manual commits are sent even while the member rebalances (`CommitGate` off; nil means on).
    public var commitGate: Bool?

    /// The consumer fields; `production` and `commitGate` are set afterwards by the modes that use them.
    public init(
        name: String, topics: [String], properties: [String: String], work: WorkModel, commit: CommitMode,
        mode: ConsumerLoopMode, assign: [TopicPartition]? = nil, maxMessages: Int? = nil
    ) {
        self.name = name; self.topics = topics; self.properties = properties; self.work = work
        self.commit = commit; self.mode = mode
        self.assign = assign; self.maxMessages = maxMessages
    }
}

/// How a consumer loop starts, what it records and when it stops.
/// The raw value is the spec's `mode` on the wire.
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
    /// Capacity runs (open loop): paused until "go", then reports each partition's position every 20 ms and
    /// records end-to-end latency inside the runner's window, until "stop".
    case capacity
    /// A producer process of a capacity run: sends its share of `production` from "go", reports deliveries.
    case produce
}

/// A command from the runner.
/// Times in it are on the runner's clock; an agent moves them to its host's (`ClockAnchor`) before the worker sees
/// them.
public struct RunnerCommand: Codable, Sendable, Equatable {
    /// The commands a worker accepts; the raw value is the JSON's `cmd`.
    public enum Kind: String, Codable, Sendable {
        /// `go`: resume the paused partitions and start measuring (window mode carries the window); `stop`: stop measuring,
        /// send the final totals and exit.
        case go, stop
        /// Live mode (a `stall` script step): stop polling for `durationNs`, keeping the assignment; see
        /// `ConsumerLoop`.
        case stall
    }
    public var cmd: Kind
    /// Window mode: CLOCK_MONOTONIC nanoseconds of the measurement window (shared by all processes).
    public var windowStartNs: UInt64?
    /// The window's end (exclusive), same clock.
    public var windowEndNs: UInt64?
    /// `stall`: how long the consumer stops polling, nanoseconds (a length, not a moment: no clock to shift).
    public var durationNs: UInt64?

    /// A command; the window and duration fields only for the kinds that use them.
    public init(cmd: Kind, windowStartNs: UInt64? = nil, windowEndNs: UInt64? = nil, durationNs: UInt64? = nil) {
        self.cmd = cmd; self.windowStartNs = windowStartNs; self.windowEndNs = windowEndNs; self.durationNs = durationNs
    }
}

/// A worker's totals, sent once when it stops measuring.
/// Times in it are on the worker's host's clock until an agent relays it (`ClockAnchor.toRunner`).
public struct WorkerFinal: Codable, Sendable {
    /// Messages processed over the worker's life, duplicates included.
    public var consumed: Int
    /// Bytes of key + value processed over the worker's life.
    public var bytes: Int
    /// Window mode: messages and bytes processed inside the window.
    public var windowMessages = 0
    public var windowBytes = 0
    /// Window mode: messages processed inside the window on each partition that made progress there (a
    /// partition of the worker's assignment that is missing stalled).
    public var windowPartitionMessages: [PartitionCount] = []
    /// When the worker resumed its partitions after "go" (CLOCK_MONOTONIC, comparable across the host's workers).
    public var goNs: UInt64
    /// Drain mode: when the last of its partitions reached its end (goNs when it had none).
    public var doneNs: UInt64?
    /// User + system CPU seconds of the worker process.
    public var cpuSeconds: Double
    /// The worker's own peak RSS (VmHWM), MiB; nil when unknown.
    public var peakRssMib: Double?
    /// Per partition: the offsets it processed, as ranges, for the loss and duplicate audit.
    public var audits: [PartitionAuditReport]
    /// Capacity mode: end-to-end latency (intended send time to processed) of the messages processed inside the
    /// window, microseconds.
    public var latencyMicros: Histogram<UInt64>?
    /// Produce mode: the producer's totals.
    public var production: ProductionReport?
    /// Partitions that reached their end inside the measurement window (window mode: the backlog was too small).
    public var drainedInWindow: [TopicPartition] = []
    /// Assignment changes seen after "go" (a stable trial has none).
    public var rebalancesAfterGo: Int

    /// Every field a consumer always reports; the mode-specific ones are set afterwards.
    public init(
        consumed: Int, bytes: Int, goNs: UInt64, doneNs: UInt64?, cpuSeconds: Double, peakRssMib: Double?,
        audits: [PartitionAuditReport], rebalancesAfterGo: Int
    ) {
        self.consumed = consumed; self.bytes = bytes; self.goNs = goNs; self.doneNs = doneNs
        self.cpuSeconds = cpuSeconds; self.peakRssMib = peakRssMib; self.audits = audits
        self.rebalancesAfterGo = rebalancesAfterGo
    }
}

/// A message count on one partition.
/// Used in `WorkerFinal.windowPartitionMessages`.
public struct PartitionCount: Codable, Sendable, Equatable {
    public var partition: TopicPartition
    /// Messages counted on it (processed, duplicates included).
    public var messages: Int

    public init(_ partition: TopicPartition, _ messages: Int) {
        self.partition = partition
        self.messages = messages
    }
}

/// One line from a worker.
/// Written by the worker's consume thread (or its producer) as one JSON line on stdout; only the fields of its kind
/// are set.
public struct WorkerEvent: Codable, Sendable {
    /// The event types a worker writes; the raw value is the JSON's `event`.
    public enum Kind: String, Codable, Sendable {
        /// The consumer exists; `properties` holds the librdkafka configuration it applied (secrets masked).
        case ready
        /// The assignment changed.
        case assignment
        /// The consumer group's join state changed (`state`), from librdkafka's statistics: rebalance mode only.
        case groupState
        /// Live mode: the messages processed since the last report.
        case progress
        /// The worker's totals.
        case final
        /// Something went wrong; `fatal` when the worker is giving up.
        case error
    }
    /// What happened; the fields filled in depend on it.
    public var event: Kind
    /// CLOCK_MONOTONIC nanoseconds when the event happened.
    public var t: UInt64
    /// `assignment`: the whole assignment after the change.
    public var partitions: [TopicPartition]?
    /// `assignment`: assigned, revoked or lost.
    public var change: String?
    /// `groupState`: librdkafka's cgrp join state ("steady", "wait-join", "wait-sync", …).
    public var state: String?
    /// `ready`: every librdkafka property the consumer applied, secrets masked.
    public var properties: [String: String]?
    /// `ready`: the librdkafka version the worker loaded (`rd_kafka_version_str()`).
    public var librdkafka: String?
    /// `progress` in live mode: every message processed since the previous report, flattened as
    /// [partition, offset, atMicros, latencyMicros, userId << 32 | sequence & 0xFFFFFFFF] quintuples (compact on
    /// the pipe; `LiveSampleLayout` names the positions).
    public var samples: [Int64]?
    /// `progress` in capacity mode: [partition, next offset to consume] pairs for the partitions that moved since
    /// the previous report, as of `t`.
    public var positions: [Int64]?
    /// `progress` in produce mode: the producer's deliveries so far.
    public var production: ProductionReport?
    /// `final`: the totals.
    public var final: WorkerFinal?
    /// `error`: what went wrong; `fatal` when the worker is giving up.
    public var message: String?
    /// `error`: true when the worker is giving up (the engine then fails the trial); nil or false otherwise.
    public var fatal: Bool?

    /// An event of `kind` stamped now (CLOCK_MONOTONIC of the worker's host); the caller sets the kind's fields.
    public init(event: Kind, t: UInt64 = MonotonicClock.nanoseconds()) {
        self.event = event
        self.t = t
    }
}

/// The layout of `WorkerEvent.samples`: each processed message is `width` consecutive values, at these offsets.
/// Every reader and writer of the array goes through it (an agent shifting `atMicros` to the runner's clock with a
/// stale width once moved partitions and offsets instead).
public enum LiveSampleLayout {
    /// Partition number (of the worker's one topic).
    public static let partition = 0
    /// The message's offset.
    public static let offset = 1
    /// Processing end, CLOCK_MONOTONIC microseconds of the host that ran the worker (an agent moves it to the
    /// runner's clock).
    public static let atMicros = 2
    /// End-to-end latency, µs: the event's intended send time to the end of its processing.
    public static let latencyMicros = 3
    /// userId << 32 | the low 32 bits of the producer sequence.
    public static let userAndSequence = 4
    /// Values per message; `samples.count` is a multiple of it.
    public static let width = 5
}
