/// What an open-loop trial recorded, for `LagSeries` and the verdict.
/// Filled by `OpenLoopMode` on the runner's thread during the trial, then turned into a `LagSeries` and a verdict.
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
    /// The host's CPU counters when the traffic started and ended (nil where /proc/stat could not be read).
    public var hostAtStart: HostCPU?
    public var hostAtEnd: HostCPU?
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
    /// Each producer process's share of the schedule (they share one start and rate).
    let plans: [ProductionPlan]
    /// Where the producer processes start (always this host; see `CapacityConfiguration.agents`).
    let placement: any WorkerPlacement
    /// Left out of the consumers' latency window at the start of the traffic, ns.
    let warmupNs: UInt64
    /// Called with a status line at the start and every 5 s ("12 s: 60000 delivered, 59800 consumed").
    var onProgress: (String) -> Void = { _ in }
    /// What the trial recorded; returned by `measure`.
    private(set) var recording = OpenLoopRecording()

    /// One mode per trial: the producer processes it starts end with the trial.
    init(plans: [ProductionPlan], placement: any WorkerPlacement, warmupNs: UInt64) {
        self.plans = plans
        self.placement = placement
        self.warmupNs = warmupNs
    }

    /// How long after the schedule's end the producers get to flush and send their last report: 40 s, in ns.
    static let producerFinishTimeoutNs: UInt64 = 40_000_000_000

    /// Starts the producers, sends the consumers "go" with the latency window, pumps both until the schedule's end and
    /// then until every producer reported its totals (or the finish timeout, noted). Fails on a fatal error or an early
    /// exit of a consumer or producer.
    mutating func measure(_ group: WorkerGroup, goNs: UInt64, engine: TrialEngine) throws(TrialFailure) -> OpenLoopRecording {
        let fleet: ProducerFleet
        do { fleet = try ProducerFleet(plans: plans, placement: placement, runId: engine.runId) } catch {
            throw TrialFailure("cannot start the producers: \(error)")
        }
        defer { fleet.end() }
        recording.startNs = try fleet.start(alsoPump: { () throws(TrialFailure) in try absorb(group, fleet, engine: engine) })
        let durationNs = plans[0].durationNs
        recording.endNs = recording.startNs + durationNs
        recording.hostAtStart = HostCPU.sample()
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
        recording.hostAtEnd = HostCPU.sample()
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

    /// The sum of every partition's highest reported position, for progress lines (an offset, so it counts from the
    /// topic's first offset, 0 on the fresh topic of a capacity trial).
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
