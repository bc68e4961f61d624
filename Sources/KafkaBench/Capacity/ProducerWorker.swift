#if canImport(Glibc)
    import Glibc
#endif

/// One producer process of a capacity trial (`kbench worker` with a `produce` spec): connects, waits for "go",
/// sends its share of the open-loop schedule (`ProductionPlan`) until the run's end, and reports every 50 ms
/// what was sent and delivered, with per-partition checkpoints (last delivered offset, its intended time).
///
/// Runs on the calling thread (librdkafka's produce and poll calls block); the runner's commands arrive in `inbox`.
public struct ProducerWorker {
    /// This process's share of the schedule, its topic and its client properties.
    let plan: ProductionPlan
    /// Filled by the worker's stdin thread: "go" starts the schedule, "stop" ends the wait before it.
    let inbox: WorkerInbox
    /// A test's injected fault (`slow-producer:R` caps this process's rate).
    let fault: InjectedFault?
    /// Writes one event line to the runner (stdout).
    let emit: (WorkerEvent) -> Void

    /// Producer properties for open-loop traffic at `rate` events/s; the cluster's and user's properties are
    /// applied on top. Below `fastRate`, `linger.ms=1` keeps batching from adding latency that would be charged to
    /// the consumers; at and above it, `linger.ms=5` (librdkafka's default) makes five times fewer, fuller batches:
    /// on the 2-core machine one producer process then held 1,000,000 events/s against `kbench broker` instead of
    /// 500,000, because the embedded broker's single thread spends most of its time per batch, not per event.
    /// The queue stays at 1,000,000 messages, as when `Benchmarks/producer-rate.sh` measured the rates one
    /// process holds: an open-loop producer must absorb the broker's pauses rather than fall behind its schedule.
    public static func producerDefaults(rate: Double) -> [String: String] {
        Seeder.producerDefaults.merging(["linger.ms": rate < fastRate ? "1" : "5", "queue.buffering.max.messages": "1000000"]) { $1 }
    }
    /// The rate (events/s per process) from which batching uses `linger.ms=5` instead of 1.
    public static let fastRate = 100_000.0
    /// How often the producer reports its progress and checkpoints: 50 ms, in ns.
    static let reportIntervalNs: UInt64 = 50_000_000

    /// `emit` is called on the calling thread of `run`; `inbox` is filled by another.
    public init(plan: ProductionPlan, inbox: WorkerInbox, fault: InjectedFault? = nil, emit: @escaping (WorkerEvent) -> Void) {
        self.plan = plan
        self.inbox = inbox
        self.fault = fault
        self.emit = emit
    }

    /// Creates the producer, reports `ready`, waits for "go" (returning early on "stop"), sends the schedule from the
    /// window start in "go" to its end, flushes, and reports its totals. Throws when the producer cannot be created or
    /// the send loop fails; a failed flush is reported in the totals instead.
    public func run() throws {
        let producer = try KafkaProducer(
            config: KafkaConfig(Self.producerDefaults(rate: plan.rate)).merging(plan.properties), trackCheckpoints: true)
        var ready = WorkerEvent(event: .ready)
        ready.librdkafka = LibrdkafkaRuntime.version
        emit(ready)
        while inbox.go == nil {
            if inbox.stopRequested { return }
            producer.poll(timeoutMs: 5)
        }
        let start = inbox.go?.windowStartNs ?? MonotonicClock.nanoseconds()
        let deadline = start + plan.durationNs
        // CLOCK_REALTIME − CLOCK_MONOTONIC: turns the wall-clock stamps in events back into monotonic times.
        let wallOffset = Int64(bitPattern: MonotonicClock.wallOffsetNanoseconds())
        var reported: [Int64] = []
        var report = ProductionReport()
        var flushFailure: String?
        /// Brings `report` up to date: counts, lateness and the checkpoints of partitions delivered to since the last report
        /// (intended times turned from wall-clock ns into monotonic µs).
        func fill(_ stats: ProducerLoop.Stats) {
            report.sent = stats.enqueued
            report.delivered = producer.delivered
            report.failed = producer.failed
            report.maxLateMs = Double(stats.maxLateNs) / 1e6
            report.lateEvents = stats.lateEvents
            report.firstFailure = producer.firstFailure ?? flushFailure
            report.checkpoints.removeAll(keepingCapacity: true)
            let checkpoints = producer.deliveryCheckpoints
            if reported.count < checkpoints.count { reported += Array(repeating: -1, count: checkpoints.count - reported.count) }
            for (p, c) in checkpoints.enumerated() where c.offset > reported[p] {
                reported[p] = c.offset
                let intendedMono = Int64(bitPattern: c.stampNanos) - wallOffset
                report.checkpoints += [Int64(p), c.offset, intendedMono / 1000]
            }
        }
        /// Emits the report as a `progress` event, or as the `final` one with this process's CPU and memory.
        func send(_ kind: WorkerEvent.Kind, stats: ProducerLoop.Stats) {
            fill(stats)
            var ev = WorkerEvent(event: kind)
            ev.production = report
            if kind == .final {
                let usage = ResourceUsage.current()
                var final = WorkerFinal(
                    consumed: 0, bytes: 0, goNs: start, doneNs: MonotonicClock.nanoseconds(), cpuSeconds: usage.cpuSeconds,
                    peakRssMib: usage.peakRssMib.isNaN ? nil : usage.peakRssMib, audits: [], rebalancesAfterGo: 0)
                final.production = report
                ev.final = final
            }
            emit(ev)
        }

        var loop = ProducerLoop(topic: plan.topic, valueBytes: plan.valueBytes, rate: plan.rate / Double(plan.producers))
        loop.startNs = start
        loop.phase = Double(plan.index) / Double(plan.producers)
        loop.firstSequence = UInt64(plan.index) << 40
        var sampler = KeySampler(keys: plan.keys, distribution: .uniform, seed: 42 &+ UInt64(plan.index))
        var nextReport = start + Self.reportIntervalNs
        let cap = fault?.producerCap
        let stats = try loop.run(
            producer: producer, deadlineNs: deadline, nextUserId: { UInt32(sampler.next()) },
            // a producer behind its schedule stops at the end all the same: what it did not send is its shortfall
            shouldStop: { inbox.stopRequested || MonotonicClock.nanoseconds() >= deadline },
            tick: { stats in
                let now = MonotonicClock.nanoseconds()
                if now >= nextReport {
                    nextReport = now + Self.reportIntervalNs
                    send(.progress, stats: stats)
                }
                // a test's slow producer: holds its sends to `cap` events/s
                if let cap {
                    while Double(stats.enqueued) > Double(MonotonicClock.nanoseconds() &- start) / 1e9 * Double(cap) { usleep(2_000) }
                }
            })
        do { try producer.flush(timeoutMs: 30_000) } catch {
            flushFailure = "\(error)"
        }
        report.done = true
        send(.final, stats: stats)
    }
}
