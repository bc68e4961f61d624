/// What a trial does once its group is stable: tell the workers "go", measure, and decide when it ends.
///
/// Modes today: the sweep's `WindowMode` and `DrainMode`, the rebalance run's `LiveTrafficMode` (a producer and a
/// script of joins, leaves, kills and broker faults), and the capacity run's `OpenLoopMode` (producer processes on
/// an open-loop schedule while the consumers report their positions). Each is a small type; the engine owns
/// everything around it.
public protocol TrialMode {
    /// What the mode hands back on success: the workers' finals (sweep), a recording (rebalance, capacity).
    associatedtype Outcome
    /// Runs the measurement on `group`, which passed the barrier at `goNs`; returns when the measurement ends.
    /// Throwing ends the trial as failed (the engine still ends every worker).
    mutating func measure(_ group: WorkerGroup, goNs: UInt64, engine: TrialEngine) throws(TrialFailure) -> Outcome
}

/// Why a trial ended without a result.
/// Thrown by modes and by the engine's polling, and returned in `TrialEngine.Outcome.result`; the runners record
/// its reason.
public struct TrialFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// Why, in one line: it becomes the CSV's `reason` cell.
    public var reason: String
    /// The user interrupted the run (SIGINT/SIGTERM).
    public var interrupted: Bool

    public init(_ reason: String, interrupted: Bool = false) {
        self.reason = reason
        self.interrupted = interrupted
    }

    /// The failure of a trial cut short by Ctrl-C or SIGTERM; the sweep then stops without recording it.
    public static let interruption = TrialFailure("interrupted", interrupted: true)
    public var description: String { reason }
}
