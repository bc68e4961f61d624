/// How consumers commit offsets.
/// Crosses to workers as its canonical text (`CanonicalText`); `ConsumerProperties` derives the auto-commit
/// properties from it and `ConsumerLoop` sends the manual commits.
public enum CommitMode: Equatable, Sendable, CustomStringConvertible {
    /// librdkafka's auto-commit (every 5 s) of the offsets kbench stores after processing each message
    /// (`enable.auto.offset.store=false` + `rd_kafka_offset_store`).
    case auto
    /// librdkafka's defaults: auto-commit of offsets librdkafka itself stores as it takes messages off the queue,
    /// before they are processed. In 2.0.2 a rebalance during a batch call then commits offsets of messages that
    /// the call drops and never returns (fixed in librdkafka 2.1.0, #4208): it loses messages.
    case autoStore
    /// Commit after processing each batch, synchronously.
    case sync
    /// Commit after processing each batch, asynchronously.
    case async
    /// Commit synchronously after every N processed messages.
    case batch(Int)
    /// Never commit.
    case none

    /// What `--commit` accepts where `batch:N` is allowed (rebalance, consume).
    public static let acceptedForms = "auto, auto-store, sync, async, batch:N or none"
    /// What the commands without `batch:N` (sweep, capacity) accept.
    public static let acceptedFormsWithoutBatch = "auto, auto-store, sync, async or none"

    /// Parses `--commit` for a command; without `allowingBatch` (`command`: "the sweep"), `batch:N` is refused
    /// with the commands that take it and what this one accepts.
    public init(parsing text: String, command: String, allowingBatch: Bool) throws(UsageError) {
        let mode: CommitMode
        do { mode = try CommitMode(parsing: text) } catch {
            throw UsageError("invalid commit mode '\(text)': \(command) accepts \(allowingBatch ? Self.acceptedForms : Self.acceptedFormsWithoutBatch)")
        }
        if case .batch = mode, !allowingBatch {
            throw UsageError(
                "--commit \(text): batch:N is for 'kbench rebalance' and 'kbench consume'; \(command) accepts \(Self.acceptedFormsWithoutBatch)")
        }
        self = mode
    }

    /// Parses any form, `batch:N` included (N ≥ 1), case-insensitively; the command-specific check is the other `init`.
    public init(parsing text: String) throws(UsageError) {
        let t = text.trimmingWhitespace().lowercased()
        switch t {
        case "auto": self = .auto
        case "auto-store": self = .autoStore
        case "sync": self = .sync
        case "async": self = .async
        case "none": self = .none
        default:
            if t.hasPrefix("batch:"), let n = Int(t.dropFirst(6)), n > 0 { self = .batch(n); return }
            throw UsageError("invalid commit mode '\(text)': accepted forms are \(Self.acceptedForms)")
        }
    }

    /// The canonical text, as it is parsed back ("batch:100"): also how it crosses the pipe to workers.
    public var description: String {
        switch self {
        case .auto: return "auto"
        case .autoStore: return "auto-store"
        case .sync: return "sync"
        case .async: return "async"
        case .batch(let n): return "batch:\(n)"
        case .none: return "none"
        }
    }

    /// The librdkafka properties this mode needs.
    public var properties: [String: String] {
        switch self {
        case .auto: return ["enable.auto.commit": "true", "enable.auto.offset.store": "false"]
        case .autoStore: return ["enable.auto.commit": "true", "enable.auto.offset.store": "true"]
        case .none: return ["enable.auto.commit": "false", "enable.auto.offset.store": "false"]
        case .sync, .async, .batch: return ["enable.auto.commit": "false", "enable.auto.offset.store": "false"]
        }
    }

    /// Whether the application stores each offset after processing it.
    var storesAfterProcessing: Bool {
        switch self {
        case .auto, .sync, .async, .batch: return true
        case .autoStore, .none: return false
        }
    }
}

/// Crosses the runner → worker pipe as its canonical text, checked again when decoded.
extension CommitMode: CanonicalText {}
