/// The producer processes of an open-loop run (`kbench worker` with `produce` specs): started together, told
/// "go" with one schedule start, and read for their reports until each has sent its last.
///
/// Thread: not Sendable; the runner's thread owns it. Every process ends with the fleet (`end`, or `deinit`
/// through the `WorkerGroup`).
public final class ProducerFleet {
    /// One plan per producer process, in process order ("p1", "p2", …).
    public let plans: [ProductionPlan]
    /// The producer processes, managed like a trial's consumers (same pump, same guaranteed end).
    private let group: WorkerGroup
    /// Indices of the producers that reported `ready` (connected and waiting for "go").
    private var ready = Set<Int>()
    /// Each producer's last report (complete when `done`).
    public private(set) var reports: [ProductionReport]
    /// Delivery checkpoints received since the last `takeCheckpoints()`: (partition, offset, intended ns).
    private var checkpoints: [(partition: Int32, offset: Int64, intendedNs: UInt64)] = []

    /// How long the producers get to connect before the trial fails: 15 s, in ns.
    static let readyTimeoutNs: UInt64 = 15_000_000_000

    /// Starts one process per plan.
    public init(plans: [ProductionPlan], placement: any WorkerPlacement, runId: String) throws(RunError) {
        self.plans = plans
        group = WorkerGroup(placement: placement, runId: runId)
        reports = Array(repeating: ProductionReport(), count: plans.count)
        for (k, plan) in plans.enumerated() {
            var spec = WorkerSpec(name: "p\(k + 1)", topics: [plan.topic], properties: [:], work: .none, commit: .none, mode: .produce)
            spec.production = plan
            try group.spawn(spec)
        }
    }

    /// Kills any producer still running: none outlives the fleet.
    deinit { group.killAll() }

    /// Whether every producer is connected and waiting for "go".
    public var allReady: Bool { ready.count == plans.count }
    /// Whether every producer sent its final report.
    public var allDone: Bool { reports.allSatisfy(\.done) }

    /// Every producer together.
    public var total: ProductionReport { ProductionReport.sum(reports) }

    /// Waits up to `timeoutMs` for reports; fails on a producer's fatal error or early exit, and on interruption.
    public func pump(timeoutMs: Int32) throws(TrialFailure) {
        for (i, ev) in group.pump(timeoutMs: timeoutMs) {
            switch ev.event {
            case .ready:
                ready.insert(i)
            case .progress, .final:
                guard let report = ev.production ?? ev.final?.production else { continue }
                reports[i] = report
                var k = 0
                let c = report.checkpoints
                while k + 2 < c.count {
                    checkpoints.append((Int32(c[k]), c[k + 1], UInt64(max(0, c[k + 2])) * 1000))
                    k += 3
                }
            case .error where ev.fatal == true:
                throw TrialFailure("producer \(group.members[i].name) failed: \(ev.message ?? "unknown error")")
            default:
                break
            }
        }
        if let exit = group.unexpectedExits(beforeFinal: true).first {
            throw TrialFailure(exit.reason.replacingOccurrences(of: "consumer ", with: "producer "))
        }
        try TrialEngine.checkInterrupted()
    }

    /// Waits until every producer is connected (bounded), then starts the schedule `leadNs` from now; returns
    /// the schedule's start (CLOCK_MONOTONIC ns).
    public func start(leadNs: UInt64 = 100_000_000, alsoPump: () throws(TrialFailure) -> Void = {}) throws(TrialFailure) -> UInt64 {
        let deadline = MonotonicClock.nanoseconds() + Self.readyTimeoutNs
        while !allReady {
            try alsoPump()
            try pump(timeoutMs: 5)
            if MonotonicClock.nanoseconds() > deadline { throw TrialFailure("the producers were not ready within 15 s") }
        }
        let startNs = MonotonicClock.nanoseconds() + leadNs
        group.broadcast(RunnerCommand(cmd: .go, windowStartNs: startNs, windowEndNs: startNs + (plans.first?.durationNs ?? 0)))
        return startNs
    }

    /// The checkpoints received since the previous call.
    public func takeCheckpoints() -> [(partition: Int32, offset: Int64, intendedNs: UInt64)] {
        defer { checkpoints.removeAll(keepingCapacity: true) }
        return checkpoints
    }

    /// Ends every producer process.
    public func end() { group.shutdown(graceMs: 5_000) }
}
