/// What an open-loop trial recorded, for `LagSeries` and the verdict.
public struct OpenLoopRecording: Sendable {
    /// CLOCK_MONOTONIC ns: the traffic's start (every producer's schedule starts here) and end.
    public var startNs: UInt64 = 0
    public var endNs: UInt64 = 0
    /// Per partition: (offset, intended ns) from the producers' checkpoints.
    public var checkpoints: [Int32: [(offset: Int64, intendedNs: UInt64)]] = [:]
    /// Per partition: (ns, next offset) from the consumers' position reports.
    public var positions: [Int32: [(ns: UInt64, next: Int64)]] = [:]
    /// Each producer's last report (complete when `done`).
    public var production: [ProductionReport] = []
    /// Assignment changes after "go" (a stable trial has none).
    public var rebalances = 0
    /// What else happened (a producer's error, …).
    public var notes: [String] = []

    /// Every producer together.
    public var totalProduction: ProductionReport { ProductionReport.sum(production) }
}

/// The capacity run's trial mode (open loop): once the group is stable, producer processes send keyed events on
/// one schedule at the target rate for the trial's duration, every event stamped with its intended send time,
/// while the consumers report their positions. The producer processes start and connect first; then producers
/// and consumers get "go", with the schedule starting 100 ms later.
struct OpenLoopMode: TrialMode {
    let plans: [ProductionPlan]
    let placement: any WorkerPlacement
    let warmupNs: UInt64
    var onProgress: (String) -> Void = { _ in }
    private(set) var recording = OpenLoopRecording()

    init(plans: [ProductionPlan], placement: any WorkerPlacement, warmupNs: UInt64) {
        self.plans = plans
        self.placement = placement
        self.warmupNs = warmupNs
    }

    static let producerFinishTimeoutNs: UInt64 = 40_000_000_000

    mutating func measure(_ group: WorkerGroup, goNs: UInt64, engine: TrialEngine) throws(TrialFailure) -> OpenLoopRecording {
        let fleet: ProducerFleet
        do { fleet = try ProducerFleet(plans: plans, placement: placement, runId: engine.runId) } catch {
            throw TrialFailure("cannot start the producers: \(error)")
        }
        defer { fleet.end() }
        recording.startNs = try fleet.start(alsoPump: { () throws(TrialFailure) in try absorb(group, fleet, engine: engine) })
        let durationNs = plans[0].durationNs
        recording.endNs = recording.startNs + durationNs
        group.broadcast(RunnerCommand(cmd: .go, windowStartNs: recording.startNs + warmupNs, windowEndNs: recording.endNs))
        let rate = plans.reduce(0) { $0 + $1.rate / Double($1.producers) }
        onProgress("producing \(Int(rate)) events/s for \(DurationValue(nanoseconds: durationNs))")
        var lastProgress = recording.startNs
        while MonotonicClock.nanoseconds() < recording.endNs {
            try absorb(group, fleet, engine: engine)
            let now = MonotonicClock.nanoseconds()
            if now >= lastProgress + 5_000_000_000 {
                lastProgress = now
                onProgress("\(Int(Double(now - recording.startNs) / 1e9)) s: \(fleet.total.delivered) delivered, \(consumedSoFar()) consumed")
            }
        }
        // the producers stop at the end of their schedule and flush; wait for their last reports
        let finishDeadline = MonotonicClock.nanoseconds() + Self.producerFinishTimeoutNs
        while !fleet.allDone {
            try absorb(group, fleet, engine: engine)
            if MonotonicClock.nanoseconds() > finishDeadline {
                recording.notes.append("a producer sent no final report within 40 s of the end")
                break
            }
        }
        recording.production = fleet.reports
        return recording
    }

    private func consumedSoFar() -> Int64 {
        recording.positions.values.reduce(0) { $0 + ($1.map(\.next).max() ?? 0) }
    }

    /// Pumps consumers and producers once; fails the trial on a fatal error or an early exit of either.
    private mutating func absorb(_ group: WorkerGroup, _ fleet: ProducerFleet, engine: TrialEngine) throws(TrialFailure) {
        for (_, ev) in try engine.poll(group, timeoutMs: 5) {
            switch ev.event {
            case .progress:
                guard let pos = ev.positions else { continue }
                var k = 0
                while k + 1 < pos.count {
                    recording.positions[Int32(pos[k]), default: []].append((ev.t, pos[k + 1]))
                    k += 2
                }
            case .assignment where recording.startNs > 0:
                recording.rebalances += 1
            default:
                break
            }
        }
        try fleet.pump(timeoutMs: 5)
        for c in fleet.takeCheckpoints() { recording.checkpoints[c.partition, default: []].append((c.offset, c.intendedNs)) }
    }
}
