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
    public var totalProduction: ProductionReport {
        production.reduce(into: ProductionReport()) { t, r in
            t.sent += r.sent; t.delivered += r.delivered; t.failed += r.failed
            t.maxLateMs = max(t.maxLateMs, r.maxLateMs); t.lateEvents += r.lateEvents
            t.firstFailure = t.firstFailure ?? r.firstFailure
            t.done = production.allSatisfy(\.done)
        }
    }
}

/// The capacity run's trial mode (open loop): once the group is stable, producer processes send keyed events on
/// one schedule at the target rate for the trial's duration, every event stamped with its intended send time,
/// while the consumers report their positions. Consumers and producers get "go" together; producers start
/// 100 ms later, so none is still connecting.
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

    static let producerReadyTimeoutNs: UInt64 = 15_000_000_000
    static let producerFinishTimeoutNs: UInt64 = 40_000_000_000

    mutating func measure(_ group: WorkerGroup, goNs: UInt64, engine: TrialEngine) throws(TrialFailure) -> OpenLoopRecording {
        let producers = WorkerGroup(placement: placement, runId: engine.runId)
        defer { producers.killAll() }
        recording.production = Array(repeating: ProductionReport(), count: plans.count)
        var ready = Set<Int>()
        do {
            for (k, plan) in plans.enumerated() {
                var spec = WorkerSpec(name: "p\(k + 1)", topics: [plan.topic], properties: [:], work: .none, commit: .none, mode: .produce)
                spec.production = plan
                try producers.spawn(spec)
            }
        } catch {
            throw TrialFailure("cannot start the producers: \(error)")
        }
        let readyDeadline = MonotonicClock.nanoseconds() + Self.producerReadyTimeoutNs
        while ready.count < plans.count {
            try absorb(group, producers, engine: engine, ready: &ready)
            if MonotonicClock.nanoseconds() > readyDeadline {
                throw TrialFailure("the producers were not ready within 15 s")
            }
        }
        let durationNs = plans[0].durationNs
        recording.startNs = MonotonicClock.nanoseconds() + 100_000_000
        recording.endNs = recording.startNs + durationNs
        producers.broadcast(RunnerCommand(cmd: .go, windowStartNs: recording.startNs, windowEndNs: recording.endNs))
        group.broadcast(RunnerCommand(cmd: .go, windowStartNs: recording.startNs + warmupNs, windowEndNs: recording.endNs))
        let rate = plans.reduce(0) { $0 + $1.rate / Double($1.producers) }
        onProgress("producing \(Int(rate)) events/s for \(DurationValue(nanoseconds: durationNs))")
        var lastProgress = recording.startNs
        while MonotonicClock.nanoseconds() < recording.endNs {
            try absorb(group, producers, engine: engine, ready: &ready)
            let now = MonotonicClock.nanoseconds()
            if now >= lastProgress + 5_000_000_000 {
                lastProgress = now
                let p = recording.totalProduction
                onProgress("\(Int(Double(now - recording.startNs) / 1e9)) s: \(p.delivered) delivered, \(consumedSoFar()) consumed")
            }
        }
        // the producers stop at the end of their schedule and flush; wait for their last reports
        let finishDeadline = MonotonicClock.nanoseconds() + Self.producerFinishTimeoutNs
        while !recording.production.allSatisfy(\.done) {
            try absorb(group, producers, engine: engine, ready: &ready)
            if MonotonicClock.nanoseconds() > finishDeadline {
                recording.notes.append("a producer sent no final report within 40 s of the end")
                break
            }
        }
        producers.shutdown(graceMs: 5_000)
        return recording
    }

    private func consumedSoFar() -> Int64 {
        recording.positions.values.reduce(0) { $0 + ($1.map(\.next).max() ?? 0) }
    }

    /// Pumps consumers and producers once; fails the trial on a fatal error or an early exit of either.
    private mutating func absorb(_ group: WorkerGroup, _ producers: WorkerGroup, engine: TrialEngine, ready: inout Set<Int>) throws(TrialFailure) {
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
        let events = producers.pump(timeoutMs: 5)
        for (i, ev) in events {
            switch ev.event {
            case .ready:
                ready.insert(i)
            case .progress, .final:
                guard let report = ev.production ?? ev.final?.production else { continue }
                recording.production[i] = report
                var k = 0
                let c = report.checkpoints
                while k + 2 < c.count {
                    recording.checkpoints[Int32(c[k]), default: []].append((c[k + 1], UInt64(max(0, c[k + 2])) * 1000))
                    k += 3
                }
            case .error where ev.fatal == true:
                throw TrialFailure("producer \(producers.members[i].name) failed: \(ev.message ?? "unknown error")")
            default:
                break
            }
        }
        if let exit = producers.unexpectedExits(beforeFinal: true).first {
            throw TrialFailure(exit.reason.replacingOccurrences(of: "consumer ", with: "producer "))
        }
    }
}
