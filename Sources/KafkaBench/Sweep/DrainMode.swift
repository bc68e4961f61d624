/// The sweep's drain mode: every worker consumes its partitions to their end; the trial's time is the makespan.
/// One value per trial, used on the runner's thread; its host CPU figures are read after `measure` returns.
public struct DrainMode: TrialMode {
    /// Bound for the whole drain (`--trial-timeout`).
    public var timeout: DurationValue
    /// The host's CPU use from "go" to the last worker's end (percent of all cores; NaN when not sampled).
    public private(set) var hostCpuPct = Double.nan
    /// The share of all cores the hypervisor took over the same interval (percent; NaN when not sampled).
    public private(set) var hostStealPct = Double.nan

    public init(timeout: DurationValue) { self.timeout = timeout }

    /// Sends "go" (no window: each worker drains until its partitions end), samples the host's CPU at "go" and when the
    /// last result arrives, and collects every worker's final result; the trial fails when the drain outlasts `timeout`.
    public mutating func measure(_ group: WorkerGroup, goNs: UInt64, engine: TrialEngine) throws(TrialFailure) -> [WorkerFinal] {
        group.broadcast(RunnerCommand(cmd: .go))
        engine.onPhase("draining")
        let timeout = timeout
        let atGo = HostCPU.sample()
        defer { (hostCpuPct, hostStealPct) = HostCPU.usage(from: atGo, to: HostCPU.sample()) }
        return try FinalResults.collect(group, engine: engine, deadlineNs: goNs + timeout.nanoseconds) { missing in
            "the backlog was not drained within \(timeout) (--trial-timeout); still draining: \(missing.joined(separator: ", "))"
        }
    }
}
