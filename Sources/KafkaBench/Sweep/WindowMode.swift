/// The sweep's window mode: every worker counts what it consumes inside one CLOCK_MONOTONIC window shared by all
/// processes on the host, starting `warmup` after "go" and lasting `duration`.
/// One value per trial, used on the runner's thread; its host CPU figures are read after `measure` returns.
public struct WindowMode: TrialMode {
    /// From "go" to the window's start: the group's first fetches are left out.
    public var warmup: DurationValue
    /// The window's length: the throughput's denominator.
    public var duration: DurationValue
    /// How long after the window's end a worker may take to send its result before it counts as hung.
    public static let resultGraceNs: UInt64 = 10_000_000_000
    /// The host's CPU use inside the window (percent of all cores; NaN when it could not be sampled).
    public private(set) var hostCpuPct = Double.nan
    /// The share of all cores the hypervisor took inside the window (percent; NaN when not sampled).
    public private(set) var hostStealPct = Double.nan

    public init(warmup: DurationValue, duration: DurationValue) {
        self.warmup = warmup
        self.duration = duration
    }

    /// Sends "go" with the window, samples the host's CPU at the window's start and end, and collects every worker's
    /// final result; a worker silent `resultGraceNs` after the window fails the trial.
    public mutating func measure(_ group: WorkerGroup, goNs: UInt64, engine: TrialEngine) throws(TrialFailure) -> [WorkerFinal] {
        let start = goNs + warmup.nanoseconds
        let end = start + duration.nanoseconds
        group.broadcast(RunnerCommand(cmd: .go, windowStartNs: start, windowEndNs: end))
        engine.onPhase("measuring \(duration) window")
        var atStart: HostCPU?, atEnd: HostCPU?
        defer { (hostCpuPct, hostStealPct) = HostCPU.usage(from: atStart, to: atEnd) }
        return try FinalResults.collect(
            group, engine: engine, deadlineNs: end + Self.resultGraceNs,
            each: { now in
                if atStart == nil && now >= start { atStart = HostCPU.sample() }
                if atStart != nil && atEnd == nil && now >= end { atEnd = HostCPU.sample() }
            },
            late: { missing in
                "consumer(s) \(missing.joined(separator: ", ")) sent no result within 10 s after the window (hung?)"
            }
        )
    }
}
