/// The sweep's drain mode: every worker consumes its partitions to their end; the trial's time is the makespan.
public struct DrainMode: TrialMode {
    /// Bound for the whole drain (`--trial-timeout`).
    public var timeout: DurationValue

    public init(timeout: DurationValue) { self.timeout = timeout }

    public mutating func measure(_ group: WorkerGroup, goNs: UInt64, engine: TrialEngine) throws(TrialFailure) -> [WorkerFinal] {
        group.broadcast(RunnerCommand(cmd: .go))
        engine.onPhase("draining")
        let timeout = timeout
        return try FinalResults.collect(group, engine: engine, deadlineNs: goNs + timeout.nanoseconds) { missing in
            "the backlog was not drained within \(timeout) (--trial-timeout); still draining: \(missing.joined(separator: ", "))"
        }
    }
}
