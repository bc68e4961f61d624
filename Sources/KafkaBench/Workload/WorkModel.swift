import CSupport

#if canImport(Glibc)
    import Glibc
#endif

/// What a consumer does with each message: nothing, sleep (I/O-bound processing) or spin (CPU-bound).
/// Performed on the consumer's thread between taking a message and counting it processed; `perMessage` is the
/// model's nominal time, which r1 measures in practice.
public enum WorkModel: Equatable, Sendable, CustomStringConvertible {
    /// No work: the consumer's own rate (client and broker) is measured.
    case none
    /// Sleep this long per message: I/O-bound processing, which leaves the CPU to other consumers on the host.
    case sleep(DurationValue)
    /// Busy-spin this long per message: CPU-bound processing, which competes with the other consumers for cores.
    case spin(DurationValue)

    /// The accepted syntax, for help texts and usage errors.
    public static let acceptedForms = "none, sleep:DURATION or spin:DURATION (e.g. sleep:1ms, spin:200us)"

    /// Parses `none`, `sleep:DURATION` or `spin:DURATION` (case-insensitive); the duration must be above 0 and at most
    /// 10 s per message.
    public init(parsing text: String) throws(UsageError) {
        let t = text.trimmingWhitespace().lowercased()
        if t == "none" { self = .none; return }
        let parts = t.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, parts[0] == "sleep" || parts[0] == "spin" else {
            throw UsageError("invalid work model '\(text)': accepted forms are \(Self.acceptedForms)")
        }
        let d: DurationValue
        do { d = try DurationValue(parsing: parts[1]) } catch {
            throw UsageError("invalid work model '\(text)': \(error.message)")
        }
        guard d.nanoseconds > 0 else { throw UsageError("invalid work model '\(text)': the duration must be above 0 (use 'none' for no work)") }
        guard d.nanoseconds <= 10_000_000_000 else { throw UsageError("invalid work model '\(text)': at most 10s per message") }
        self = parts[0] == "sleep" ? .sleep(d) : .spin(d)
    }

    /// The canonical text, as it is parsed back ("sleep:1ms"): also how it crosses the pipe to workers.
    public var description: String {
        switch self {
        case .none: return "none"
        case .sleep(let d): return "sleep:\(d)"
        case .spin(let d): return "spin:\(d)"
        }
    }

    /// The per-message time, or nil for `none`.
    public var perMessage: DurationValue? {
        switch self {
        case .none: return nil
        case .sleep(let d), .spin(let d): return d
        }
    }

    /// Does the work for one message on the calling thread.
    @inline(__always)
    public func perform() {
        switch self {
        case .none:
            return
        case .sleep(let d):
            var ts = timespec(tv_sec: Int(d.nanoseconds / 1_000_000_000), tv_nsec: Int(d.nanoseconds % 1_000_000_000))
            var remaining = timespec()
            while nanosleep(&ts, &remaining) != 0 && errno == EINTR { ts = remaining }
        case .spin(let d):
            kbench_spin_ns(Int64(d.nanoseconds))
        }
    }
}

/// Crosses the runner → worker pipe as its canonical text, checked again when decoded.
extension WorkModel: CanonicalText {}
