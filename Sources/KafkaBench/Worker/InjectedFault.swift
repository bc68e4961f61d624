/// A fault a test injects into a worker, to prove that the runner's verdicts catch what they must. Set through
/// the environment variable `KBENCH_INJECT_FAULT`, which worker processes inherit; never set by kbench itself.
///
/// - `lose:N`: the worker leaves its Nth processed message out of its audit (it looks lost);
/// - `lose-offset:P:O`: it never reports offset O of partition P, however often it processes it (lost even when
///   redelivered);
/// - `duplicate:N`: it records its Nth processed message twice;
/// - `hang:N`: once measuring has started and N messages are consumed, it stops consuming and never sends its final
///   result (its stdin reader still runs, so the runner can end it);
/// - `delay-go:CONSUMER:MS`: the consumer named CONSUMER (e.g. `c01`) acts on "go" MS milliseconds late;
/// - `stall:P`: whichever consumer holds partition P (of every topic) never resumes it after "go";
/// - `fail-group:TEXT`: every consumer whose group id contains TEXT (e.g. `-c1-`, the trials of one consumer)
///   fails at start;
/// - `slow-producer:R`: a capacity trial's producer processes send at most R events/s each (a producer that
///   cannot keep up).
public enum InjectedFault: Sendable, Equatable {
    /// `lose:N`: `recordings(ofMessage:…)` returns 0 for the Nth processed message (1-based), so it looks lost.
    case lose(Int)
    /// `duplicate:N`: `recordings(ofMessage:…)` returns 2 for the Nth message.
    case duplicate(Int)
    /// `lose-offset:P:O`: `recordings(ofMessage:…)` returns 0 for that offset, every time it is processed.
    case loseOffset(partition: Int32, offset: Int64)
    /// `hang:N`: `hangs(consumed:)` turns true once N messages were consumed while measuring.
    case hang(Int)
    /// `delay-go:CONSUMER:MS`: `goDelayMilliseconds(consumer:)` returns MS for that consumer.
    case delayGo(consumer: String, milliseconds: Int)
    /// `stall:P`: `stalls(_:)` is true for partition P of every topic.
    case stall(partition: Int32)
    /// `fail-group:TEXT`: `failsGroup(_:)` is true for group ids containing TEXT.
    case failGroup(containing: String)
    /// `slow-producer:R`: `producerCap` is R events/s per producer process.
    case slowProducer(eventsPerSecond: Int)

    /// The variable a test sets (workers inherit it); kbench itself never sets it.
    public static let environmentVariable = "KBENCH_INJECT_FAULT"

    /// Parses one of the forms above (N ≥ 1, MS ≥ 1, P ≥ 0); nil for anything else.
    public init?(parsing text: String) {
        let parts = text.split(separator: ":").map(String.init)
        switch (parts.first, parts.count) {
        case ("lose", 2): guard let n = Int(parts[1]), n >= 1 else { return nil }; self = .lose(n)
        case ("duplicate", 2): guard let n = Int(parts[1]), n >= 1 else { return nil }; self = .duplicate(n)
        case ("hang", 2): guard let n = Int(parts[1]), n >= 1 else { return nil }; self = .hang(n)
        case ("lose-offset", 3):
            guard let p = Int32(parts[1]), p >= 0, let o = Int64(parts[2]), o >= 0 else { return nil }
            self = .loseOffset(partition: p, offset: o)
        case ("delay-go", 3):
            guard !parts[1].isEmpty, let ms = Int(parts[2]), ms >= 1 else { return nil }
            self = .delayGo(consumer: parts[1], milliseconds: ms)
        case ("stall", 2): guard let p = Int32(parts[1]), p >= 0 else { return nil }; self = .stall(partition: p)
        case ("fail-group", 2): guard !parts[1].isEmpty else { return nil }; self = .failGroup(containing: parts[1])
        case ("slow-producer", 2): guard let r = Int(parts[1]), r >= 1 else { return nil }; self = .slowProducer(eventsPerSecond: r)
        default: return nil
        }
    }

    /// How many times the `ordinal`th processed message (1-based) is recorded in the audit.
    @inline(__always)
    func recordings(ofMessage ordinal: Int, partition: Int32, offset: Int64) -> Int {
        switch self {
        case .loseOffset(let p, let o): return p == partition && o == offset ? 0 : 1
        case .lose(let n): return ordinal == n ? 0 : 1
        case .duplicate(let n): return ordinal == n ? 2 : 1
        case .hang, .delayGo, .stall, .failGroup, .slowProducer: return 1
        }
    }

    /// True when the worker must hang now, having consumed `consumed` messages while measuring.
    func hangs(consumed: Int) -> Bool {
        if case .hang(let n) = self { return consumed >= n }
        return false
    }

    /// How long the consumer `name` waits before acting on "go" (0: at once).
    func goDelayMilliseconds(consumer name: String) -> Int {
        if case .delayGo(let c, let ms) = self, c == name { return ms }
        return 0
    }

    /// Whether a consumer of group `groupId` fails at start.
    func failsGroup(_ groupId: String?) -> Bool {
        if case .failGroup(let text) = self, let groupId { return groupId.contains(text) }
        return false
    }

    /// Whether the consumer keeps `partition` paused after "go".
    func stalls(_ partition: TopicPartition) -> Bool {
        if case .stall(let p) = self { return partition.partition == p }
        return false
    }

    /// The events per second a slow producer holds to, if this is one.
    var producerCap: Int? {
        if case .slowProducer(let r) = self { return r }
        return nil
    }
}
