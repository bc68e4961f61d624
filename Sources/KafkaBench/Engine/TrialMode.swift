/// What a trial does once its group is stable: tell the workers "go", measure, and decide when it ends.
///
/// Modes today: the sweep's `WindowMode` and `DrainMode`, and the rebalance run's `LiveTrafficMode` (a producer
/// and a script of joins, leaves and kills). Each is a small type; the engine owns everything around it.
public protocol TrialMode {
    associatedtype Outcome
    /// Runs the measurement on `group`, which passed the barrier at `goNs`; returns when the measurement ends.
    /// Throwing ends the trial as failed (the engine still ends every worker).
    mutating func measure(_ group: WorkerGroup, goNs: UInt64, engine: TrialEngine) throws(TrialFailure) -> Outcome
}

/// Why a trial ended without a result.
public struct TrialFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    /// The user interrupted the run (SIGINT/SIGTERM).
    public var interrupted: Bool

    public init(_ reason: String, interrupted: Bool = false) {
        self.reason = reason
        self.interrupted = interrupted
    }

    public static let interruption = TrialFailure("interrupted", interrupted: true)
    public var description: String { reason }
}
