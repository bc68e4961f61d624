import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// kbench's one consumer loop: the sweep's worker processes, the rebalance workers and `kbench consume` all run
/// it. It joins the group (or assigns partitions directly), applies the work model to every message, audits
/// every offset, commits as the commit mode says, reports assignment changes, and leaves what is measured and
/// when it ends to a `ConsumerMeasurement` chosen by the spec's mode.
///
/// Runs entirely on the calling thread (the consumer, its rebalance callback, pause/resume and commits), as
/// librdkafka 2.0.2's batch consume requires; assignment changes are acted on after the batch call returns.
public final class ConsumerLoop {
    /// What to consume and how: topics or partitions, librdkafka properties, work, commit and loop mode.
    private let spec: WorkerSpec
    /// The runner's commands ("go", "stop", "stall"), filled by the worker's stdin thread.
    private let inbox: WorkerInbox
    /// Writes one event line to the runner (stdout); called on the consume thread only.
    private let emit: (WorkerEvent) -> Void
    /// A test's injected fault, from the worker's environment; nil in every real run.
    private let fault: InjectedFault?

    /// - Parameter fault: a test's injected fault (see `InjectedFault`); nil in every real run.
    public init(
        spec: WorkerSpec, inbox: WorkerInbox = WorkerInbox(), fault: InjectedFault? = nil,
        emit: @escaping (WorkerEvent) -> Void
    ) {
        self.spec = spec
        self.inbox = inbox
        self.fault = fault
        self.emit = emit
    }

    /// Messages per `consumeBatch` call: small enough that a batch of work takes about 10 ms, so commands and
    /// the window's end are noticed promptly.
    var batchSize: Int {
        guard let d = spec.work.perMessage else { return spec.mode == .live ? 500 : 1000 }
        return max(1, min(1000, Int(10_000_000 / max(1, d.nanoseconds))))
    }

    /// Runs until the runner says stop, or (count mode) until done. Returns the totals it also emitted.
    @discardableResult
    public func run() throws -> WorkerFinal {
        switch spec.mode {
        case .window: return try run(WindowMeasurement())
        case .drain: return try run(DrainMeasurement())
        case .live: return try run(LiveMeasurement())
        case .count: return try run(CountMeasurement(limit: spec.maxMessages))
        case .capacity: return try run(CapacityMeasurement())
        case .produce: throw RunError("a produce spec runs in ProducerWorker, not in the consumer loop")
        }
    }

    /// A `stall` step: blocks the consume thread for `ns` nanoseconds, after a batch was processed and reported and
    /// before it is committed, as a consumer stuck in slow processing would: no poll, no processing, no commit.
    /// Runs on the consume thread (the one thread that owns the consumer).
    /// librdkafka's own threads go on (heartbeats; past max.poll.interval.ms the member leaves the group, and it
    /// rejoins at the next poll). Checks for "stop" every 10 ms, so a stop or Ctrl-C still ends the worker promptly.
    private func stall(_ ns: UInt64) {
        let end = MonotonicClock.nanoseconds() &+ ns
        while !inbox.stopRequested {
            let now = MonotonicClock.nanoseconds()
            guard now < end else { return }
            usleep(UInt32(min(10_000, (end - now) / 1000 + 1)))
        }
    }

    /// When a member that stopped polling at `stallStartNs` left the group, from librdkafka's error "Application
    /// maximum poll interval (5000ms) exceeded by 151ms": the stall's start plus max.poll.interval.ms plus the
    /// overrun (librdkafka checks once a second). The error reaches the application only when it polls again, so
    /// this is the only way to place the departure in time; without the overrun in the text, the interval alone.
    static func leftGroupNs(stallStartNs: UInt64, maxPollIntervalMs: Int, message: String) -> UInt64 {
        var overrunMs = 0
        if let r = message.range(of: "exceeded by ") {
            overrunMs = Int(message[r.upperBound...].prefix { $0.isNumber }) ?? 0
        }
        return stallStartNs + UInt64(max(0, maxPollIntervalMs + overrunMs)) * 1_000_000
    }

    /// The loop itself, for one measurement type: creates the consumer, joins or assigns, reports `ready`, then consumes
    /// until the measurement ends (or "stop"), emitting events, committing and auditing; returns and emits the totals.
    private func run<M: ConsumerMeasurement>(_ initial: M) throws -> WorkerFinal {
        var measurement = initial
        if fault?.failsGroup(spec.properties["group.id"]) == true {
            throw RunError("injected fault: \(InjectedFault.environmentVariable) fails the consumers of group \(spec.properties["group.id"] ?? "")")
        }
        let work = spec.work
        let commit = spec.commit
        let fault = fault
        let consumer = try KafkaConsumer(config: KafkaConfig(spec.properties), batchSize: batchSize)
        consumer.coalesceMicros = M.coalesces ? 1000 : 0
        // Live traffic rebalances while consuming: take messages one per librdkafka call (2.0.2's batch call
        // loses messages across a rebalance; see KafkaConsumer.takeOneAtATime).
        consumer.takeOneAtATime = spec.mode == .live
        // A sweep window must reach every partition whatever a broker puts in one fetch (see PartitionRotation).
        consumer.rotatesPartitions = spec.mode == .window
        if let partitions = spec.assign {
            try consumer.assign(partitions)
        } else {
            try consumer.subscribe(spec.topics)
        }
        var ready = WorkerEvent(event: .ready)
        ready.properties = KafkaConfig(consumer.appliedProperties).redacted
        ready.librdkafka = LibrdkafkaRuntime.version
        emit(ready)

        var gate = CommitGate(subscribes: spec.assign == nil, properties: spec.properties, requested: spec.commitGate ?? true)
        // a commit was due but held (gate closed) or failed because the group was rebalancing: retried when the
        // gate opens, without waiting for another message
        var held = false
        var audit = ConsumptionAudit()
        var ended = Set<TopicPartition>()
        var consumed = 0, bytes = 0, sinceCommit = 0
        var running = false, goNs: UInt64 = 0, doneNs: UInt64?, rebalancesAfterGo = 0
        // when the last `stall` began (until librdkafka reports that it exceeded max.poll.interval.ms)
        var stallStartNs: UInt64?
        // when a `stall` arrived that waits for a processed batch
        var stallRequestedNs: UInt64?
        var final: WorkerFinal?
        if !M.waitsForGo {
            running = true
            goNs = MonotonicClock.nanoseconds()
            measurement.start(nil, at: goNs)
        }

        /// The worker's totals now: counts, go and done times, CPU and peak memory, the audit, and the mode's own figures.
        func makeFinal() -> WorkerFinal {
            let usage = ResourceUsage.current()
            var f = WorkerFinal(
                consumed: consumed, bytes: bytes, goNs: goNs, doneNs: doneNs, cpuSeconds: usage.cpuSeconds,
                peakRssMib: usage.peakRssMib.isNaN ? nil : usage.peakRssMib, audits: audit.reports(topicNames: consumer.topicNames),
                rebalancesAfterGo: rebalancesAfterGo)
            measurement.complete(&f, topicNames: consumer.topicNames)
            return f
        }
        /// Reports a non-fatal error to the runner (the worker goes on).
        func reportError(_ text: String) {
            var ev = WorkerEvent(event: .error)
            ev.message = text
            ev.fatal = false
            emit(ev)
        }
        /// Reports assignment changes applied inside the last librdkafka call, and pauses new partitions until "go".
        func actOnAssignmentChanges() {
            var toPause: [TopicPartition] = []
            for change in consumer.takeAssignmentChanges() {
                if running && M.waitsForGo { rebalancesAfterGo += 1 }
                if change.kind == .assigned && !running { toPause += change.partitions }
                if change.kind != .assigned { ended.subtract(change.partitions) }
                var ev = WorkerEvent(event: .assignment, t: change.atNs)
                ev.partitions = change.assignment.sorted()
                ev.change = change.kind.rawValue
                if let e = change.error { ev.message = e.description }
                emit(ev)
            }
            for change in consumer.takeJoinStateChanges() {
                gate.joinStateChanged(to: change.state, atNs: change.atNs)
                var ev = WorkerEvent(event: .groupState, t: change.atNs)
                ev.state = change.state
                emit(ev)
            }
            let current = toPause.filter { consumer.assignment.contains($0) }
            if !current.isEmpty {
                do { try consumer.pause(current) } catch { reportError("cannot pause newly assigned partitions: \(error)") }
            }
        }

        while !inbox.stopRequested {
            if !running, let go = inbox.go {
                if let delay = fault?.goDelayMilliseconds(consumer: spec.name), delay > 0 { usleep(UInt32(delay) * 1000) }
                goNs = MonotonicClock.nanoseconds()
                running = true
                measurement.start(go, at: goNs)
                try consumer.resume(consumer.assignment.filter { fault?.stalls($0) != true })
            }
            let measuring = running && final == nil
            var processed = 0
            // Waiting for "go", the loop checks the inbox every 10 ms: the workers' go times stay close together
            // (see WindowCoverage.maxGoSkewMs).
            let waitingForGo = !running && M.waitsForGo
            consumer.consumeBatch(timeoutMs: measuring || waitingForGo ? 10 : 50) { event in
                switch event {
                case .message(let m):
                    guard measurement.accepts(consumed: consumed) else { return }
                    work.perform()
                    consumed += 1
                    let size = m.value.count + m.key.count
                    bytes += size
                    processed += 1
                    // a test's injected fault records this message zero times (lost) or twice (duplicate)
                    for _ in 0..<(fault?.recordings(ofMessage: consumed, partition: m.partition, offset: m.offset) ?? 1) {
                        audit.record(m.topicIndex, m.partition, m.offset)
                        if measuring { measurement.processed(m, bytes: size) }
                    }
                    if commit.storesAfterProcessing { consumer.storeOffset(m) }
                case .partitionEOF(let ti, let p, _):
                    let tp = TopicPartition(consumer.topicNames[ti], p)
                    ended.insert(tp)
                    if measuring { measurement.reachedEnd(tp) }
                case .error(let e):
                    // a stall past max.poll.interval.ms: librdkafka left the group back then, and says so only now;
                    // the runner sees the departure at its time (the rebalance callback, at this poll, follows)
                    if e.codeName == "_MAX_POLL_EXCEEDED", let start = stallStartNs {
                        stallStartNs = nil
                        let maxPoll = Int(spec.properties["max.poll.interval.ms"] ?? "") ?? 300_000
                        var ev = WorkerEvent(
                            event: .assignment,
                            t: min(MonotonicClock.nanoseconds(), Self.leftGroupNs(stallStartNs: start, maxPollIntervalMs: maxPoll, message: e.message)))
                        ev.partitions = []
                        ev.change = "lost"
                        ev.message = e.description
                        emit(ev)
                    }
                    reportError(e.description)
                }
            }
            actOnAssignmentChanges()
            if measuring, let fault, fault.hangs(consumed: consumed) {
                // A test's hung worker: no more consuming, no final result, until the runner ends the process.
                while true { sleep(3600) }
            }
            measurement.report(emit, consumed: consumed)
            // a stall comes after a batch was processed, before it is committed (a consumer stuck in its work): the
            // next owner reads that batch again; a consumer with nothing to process stalls after 1 s regardless
            if inbox.hasStall {
                let now = MonotonicClock.nanoseconds()
                stallRequestedNs = stallRequestedNs ?? now
                if processed > 0 || now >= stallRequestedNs! + 1_000_000_000, let stallNs = inbox.takeStall() {
                    stallRequestedNs = nil
                    stallStartNs = now
                    stall(stallNs)
                }
            }
            sinceCommit += processed
            let due: Bool
            switch commit {
            case .sync, .async: due = sinceCommit > 0
            case .batch(let n): due = sinceCommit >= n
            default: due = false
            }
            if due && (processed > 0 || held) {
                if gate.mayCommit(atNs: MonotonicClock.nanoseconds()) {
                    // A commit can fail while the group rebalances (the generation moved on); the offsets are then
                    // committed by the partition's next owner or redelivered: report it and go on (the gate holds
                    // further commits until the member is steady again). Other failures are retried with the
                    // next message.
                    do {
                        try consumer.commit(async: commit == .async)
                        sinceCommit = 0
                        held = false
                    } catch {
                        gate.commitFailed(error, atNs: MonotonicClock.nanoseconds())
                        held = !gate.isOpen
                        reportError("\(error)")
                    }
                } else {
                    held = true
                }
            }
            if measuring {
                let now = MonotonicClock.nanoseconds()
                let state = ConsumerLoopState(now: now, assignment: consumer.assignment, endedPartitions: ended, consumed: consumed)
                if let end = measurement.ended(state) {
                    if end == .windowClosed { try consumer.pause(Array(consumer.assignment)) } else { doneNs = now }
                    let f = makeFinal()
                    final = f
                    var ev = WorkerEvent(event: .final, t: now)
                    ev.final = f
                    emit(ev)
                    if M.exitsWhenDone { break }
                }
            }
        }
        if final == nil {
            doneNs = doneNs ?? MonotonicClock.nanoseconds()
            final = makeFinal()
            var ev = WorkerEvent(event: .final)
            ev.final = final
            emit(ev)
        }
        // what an async commit sent, and what the batch size held back; nothing while the member rebalances (the
        // commit would wait for the rejoin and meet the failure the gate avoids): the next owner reads it again
        if gate.mayCommit(atNs: MonotonicClock.nanoseconds()) {
            switch commit {
            case .async: try? consumer.commit(async: false)
            case .sync, .batch: if sinceCommit > 0 { try? consumer.commit(async: false) }
            default: break
            }
        }
        try consumer.close()
        actOnAssignmentChanges()
        return final!
    }
}
