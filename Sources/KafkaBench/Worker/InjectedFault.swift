/// A fault a test injects into a worker's reports, to prove that the runner's verdicts catch what they must: the
/// worker leaves the Nth processed message out of its audit and of what it reports (`lose:N`: it looks lost) or
/// reports it twice (`duplicate:N`). Set through the environment variable `KBENCH_INJECT_FAULT`, which worker processes
/// inherit; never set by kbench itself.
public enum InjectedFault: Sendable, Equatable {
    case lose(Int)
    case duplicate(Int)

    public static let environmentVariable = "KBENCH_INJECT_FAULT"

    /// Parses `lose:N` or `duplicate:N` (N ≥ 1); nil for anything else.
    public init?(parsing text: String) {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let n = Int(parts[1]), n >= 1 else { return nil }
        switch parts[0] {
        case "lose": self = .lose(n)
        case "duplicate": self = .duplicate(n)
        default: return nil
        }
    }

    /// How many times the `ordinal`th processed message (1-based) is recorded in the audit.
    @inline(__always)
    func recordings(ofMessage ordinal: Int) -> Int {
        switch self {
        case .lose(let n): return ordinal == n ? 0 : 1
        case .duplicate(let n): return ordinal == n ? 2 : 1
        }
    }
}
