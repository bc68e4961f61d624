/// The sweep's window mode: every worker counts what it consumes inside one CLOCK_MONOTONIC window shared by all
/// processes on the host, starting `warmup` after "go" and lasting `duration`.
public struct WindowMode: TrialMode {
    public var warmup: DurationValue
    public var duration: DurationValue
    /// How long after the window's end a worker may take to send its result before it counts as hung.
    public static let resultGraceNs: UInt64 = 10_000_000_000
    /// The host's CPU use inside the window (percent of all cores; NaN when it could not be sampled).
    public private(set) var hostCpuPct = Double.nan

    public init(warmup: DurationValue, duration: DurationValue) {
        self.warmup = warmup
        self.duration = duration
    }

    public mutating func measure(_ group: WorkerGroup, goNs: UInt64, engine: TrialEngine) throws(TrialFailure) -> [WorkerFinal] {
        let start = goNs + warmup.nanoseconds
        let end = start + duration.nanoseconds
        group.broadcast(RunnerCommand(cmd: .go, windowStartNs: start, windowEndNs: end))
        engine.onPhase("measuring \(duration) window")
        var atStart: HostCPU?, atEnd: HostCPU?
        defer { hostCpuPct = HostCPU.percent(from: atStart, to: atEnd) }
        return try FinalResults.collect(group, engine: engine, deadlineNs: end + Self.resultGraceNs, each: { now in
            if atStart == nil && now >= start { atStart = HostCPU.sample() }
            if atStart != nil && atEnd == nil && now >= end { atEnd = HostCPU.sample() }
        }) { missing in
            "consumer(s) \(missing.joined(separator: ", ")) sent no result within 10 s after the window (hung?)"
        }
    }
}

/// The sweep's drain mode: every worker consumes its partitions to their end; the trial's time is the makespan.
public struct DrainMode: TrialMode {
    /// Bound for the whole drain (`--trial-timeout`).
    public var timeout: DurationValue
    /// The host's CPU use from "go" to the last worker's end (percent of all cores; NaN when not sampled).
    public private(set) var hostCpuPct = Double.nan

    public init(timeout: DurationValue) { self.timeout = timeout }

    public mutating func measure(_ group: WorkerGroup, goNs: UInt64, engine: TrialEngine) throws(TrialFailure) -> [WorkerFinal] {
        group.broadcast(RunnerCommand(cmd: .go))
        engine.onPhase("draining")
        let timeout = timeout
        let atGo = HostCPU.sample()
        defer { hostCpuPct = HostCPU.percent(from: atGo, to: HostCPU.sample()) }
        return try FinalResults.collect(group, engine: engine, deadlineNs: goNs + timeout.nanoseconds) { missing in
            "the backlog was not drained within \(timeout) (--trial-timeout); still draining: \(missing.joined(separator: ", "))"
        }
    }
}

/// Waits for every worker's final result, in member order.
enum FinalResults {
    /// `each` is called after every poll with the time.
    static func collect(_ group: WorkerGroup, engine: TrialEngine, deadlineNs: UInt64, each: (UInt64) -> Void = { _ in },
                        late: ([String]) -> String) throws(TrialFailure) -> [WorkerFinal] {
        while group.members.contains(where: { $0.final == nil }) {
            try engine.poll(group, timeoutMs: 50)
            let now = MonotonicClock.nanoseconds()
            each(now)
            if now > deadlineNs {
                throw TrialFailure(late(group.members.filter { $0.final == nil }.map(\.name)))
            }
        }
        return group.members.map { $0.final! }
    }
}
