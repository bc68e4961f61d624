/// How consumers commit offsets.
public enum CommitMode: Equatable, Sendable, CustomStringConvertible {
    /// librdkafka's auto-commit (every 5 s) of offsets stored as messages are handed to the application.
    case auto
    /// Commit after processing each batch, synchronously.
    case sync
    /// Commit after processing each batch, asynchronously.
    case async
    /// Commit synchronously after every N processed messages.
    case batch(Int)
    /// Never commit.
    case none

    public static let acceptedForms = "auto, sync, async, batch:N or none"

    public init(parsing text: String) throws(UsageError) {
        let t = text.trimmingWhitespace().lowercased()
        switch t {
        case "auto": self = .auto
        case "sync": self = .sync
        case "async": self = .async
        case "none": self = .none
        default:
            if t.hasPrefix("batch:"), let n = Int(t.dropFirst(6)), n > 0 { self = .batch(n); return }
            throw UsageError("invalid commit mode '\(text)': accepted forms are \(Self.acceptedForms)")
        }
    }

    public var description: String {
        switch self {
        case .auto: return "auto"
        case .sync: return "sync"
        case .async: return "async"
        case .batch(let n): return "batch:\(n)"
        case .none: return "none"
        }
    }

    /// The librdkafka properties this mode needs.
    public var properties: [String: String] {
        switch self {
        case .auto: return ["enable.auto.commit": "true", "enable.auto.offset.store": "true"]
        case .none: return ["enable.auto.commit": "false", "enable.auto.offset.store": "false"]
        case .sync, .async, .batch: return ["enable.auto.commit": "false", "enable.auto.offset.store": "false"]
        }
    }

    /// Whether the application stores each offset after processing it.
    var storesAfterProcessing: Bool {
        switch self {
        case .sync, .async, .batch: return true
        case .auto, .none: return false
        }
    }
}

/// Crosses the runner → worker pipe as its canonical text (`batch:100`), checked again when decoded.
extension CommitMode: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { self = try CommitMode(parsing: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
