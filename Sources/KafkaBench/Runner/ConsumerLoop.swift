/// kbench's one consumer loop: the sweep's worker processes, the rebalance workers and `kbench consume` all run
/// it. It joins the group (or assigns partitions directly), applies the work model per message, audits every
/// offset, and reports over `emit`:
/// - `window`/`drain` (sweep): pauses what it is assigned until the runner says "go", then measures;
/// - `live` (rebalance): consumes at once and reports each processed message before committing it;
/// - `count` (consume): consumes at once until a message count or the end of every partition.
///
/// Runs entirely on the calling thread (the consumer, its rebalance callback, pause/resume and commits), as
/// librdkafka 2.0.2's batch consume requires.
public final class ConsumerLoop {
    private let spec: WorkerSpec
    private let inbox: WorkerInbox
    private let emit: (WorkerEvent) -> Void
    private let work: WorkModel
    private let commit: CommitMode

    private var running = false
    private var goNs: UInt64 = 0
    private var rebalancesAfterGo = 0
    /// audits[topicIndex][partition]
    private var audits: [[PartitionAudit]] = []
    private var eofPartitions = Set<TopicPartition>()
    private var drainedInWindow: [TopicPartition] = []
    /// Partitions assigned before "go", to pause once the current batch call has returned.
    private var pendingPause: [TopicPartition] = []

    public init(spec: WorkerSpec, inbox: WorkerInbox = WorkerInbox(), emit: @escaping (WorkerEvent) -> Void) throws(UsageError) {
        self.spec = spec
        self.inbox = inbox
        self.emit = emit
        work = try WorkModel(parsing: spec.work)
        commit = try CommitMode(parsing: spec.commit)
    }

    /// Messages per `consumeBatch` call: small enough that a batch of work takes about 10 ms, so commands and
    /// the window's end are noticed promptly.
    var batchSize: Int {
        guard let d = work.perMessage else { return spec.mode == .live ? 500 : 1000 }
        return max(1, min(1000, Int(10_000_000 / max(1, d.nanoseconds))))
    }

    /// Runs until the runner says stop, or (count mode) until done. Returns the totals it also emitted.
    @discardableResult
    public func run() throws -> WorkerFinal {
        let mode = spec.mode
        var config = KafkaConfig(spec.properties).merging(commit.properties)
        config["enable.partition.eof"] = "true"
        let consumer = try KafkaConsumer(config: config, batchSize: batchSize)
        // Throughput modes let message sets accumulate for up to 1 ms when the queue runs dry; live mode measures
        // latency and takes each message as soon as it arrives.
        consumer.coalesceMicros = mode == .live ? 0 : 1000
        consumer.setRebalanceHandler { [unowned self, unowned consumer] change in
            self.onRebalance(change, consumer)
        }
        if let partitions = spec.assign {
            try consumer.assign(partitions)
        } else {
            try consumer.subscribe(spec.topics)
        }
        emit(WorkerEvent(event: .ready))

        var consumed = 0, bytes = 0, windowMessages = 0, windowBytes = 0
        var sinceCommit = 0
        var windowStart: UInt64 = 0, windowEnd: UInt64 = .max
        var final: WorkerFinal?
        var doneNs: UInt64?
        var nextProgress = MonotonicClock.nanoseconds()
        let progressInterval = UInt64(spec.progressIntervalMs) * 1_000_000
        let limit = spec.maxMessages ?? .max
        var samples: [Int64] = []
        if !mode.gated {
            running = true
            goNs = MonotonicClock.nanoseconds()
        }

        func makeFinal() -> WorkerFinal {
            let usage = ResourceUsage.current()
            var reports: [PartitionAuditReport] = []
            for (ti, row) in audits.enumerated() {
                for (p, a) in row.enumerated() where a.seen {
                    reports.append(a.report(TopicPartition(consumer.topicNames[ti], Int32(p))))
                }
            }
            return WorkerFinal(
                consumed: consumed, bytes: bytes, windowMessages: windowMessages, windowBytes: windowBytes,
                goNs: goNs, doneNs: doneNs, cpuSeconds: usage.cpuSeconds, peakRssMb: usage.peakRssMb,
                audits: reports, drainedInWindow: drainedInWindow, rebalancesAfterGo: rebalancesAfterGo)
        }

        while !inbox.stopRequested {
            if !running, let go = inbox.go {
                if let s = go.windowStartNs, let e = go.windowEndNs { windowStart = s; windowEnd = e }
                goNs = MonotonicClock.nanoseconds()
                running = true
                try consumer.resume(Array(consumer.assignment))
                emit(WorkerEvent(event: .started, t: goNs))
            }
            let measuring = running && final == nil
            var processed = 0
            consumer.consumeBatch(timeoutMs: measuring ? 10 : 50) { event in
                switch event {
                case .message(let m):
                    if consumed >= limit { return }
                    work.perform()
                    recordOffset(m.topicIndex, m.partition, m.offset)
                    let size = m.value.count + m.key.count
                    consumed += 1
                    bytes += size
                    processed += 1
                    switch mode {
                    case .window where measuring:
                        let t = MonotonicClock.nanoseconds()
                        if t >= windowStart && t < windowEnd { windowMessages += 1; windowBytes += size }
                    case .live:
                        let sent = EventRecord.decode(m.value)?.timestampNanos ?? 0
                        let wall = MonotonicClock.wallNanoseconds()
                        samples.append(Int64(m.partition))
                        samples.append(m.offset)
                        samples.append(Int64(MonotonicClock.nanoseconds() / 1000))
                        samples.append(sent > 0 && wall > sent ? Int64((wall - sent) / 1000) : 0)
                    default:
                        break
                    }
                    if commit.storesAfterProcessing { consumer.storeOffset(m) }
                case .partitionEOF(let ti, let p, _):
                    let tp = TopicPartition(consumer.topicNames[ti], p)
                    eofPartitions.insert(tp)
                    if mode == .window && running && final == nil && MonotonicClock.nanoseconds() < windowEnd {
                        drainedInWindow.append(tp)
                    }
                case .error(let e):
                    var ev = WorkerEvent(event: .error)
                    ev.message = e.description
                    ev.fatal = false
                    emit(ev)
                }
            }
            if !pendingPause.isEmpty {
                let partitions = pendingPause.filter { consumer.assignment.contains($0) }
                pendingPause.removeAll()
                if !running {
                    do { try consumer.pause(partitions) } catch {
                        var ev = WorkerEvent(event: .error)
                        ev.message = "cannot pause newly assigned partitions: \(error)"
                        ev.fatal = false
                        emit(ev)
                    }
                }
            }
            // Live mode: report what was processed before committing it, so a crash after the commit
            // cannot hide a processed message from the runner.
            if !samples.isEmpty {
                var ev = WorkerEvent(event: .progress)
                ev.messages = consumed
                ev.bytes = bytes
                ev.samples = samples
                emit(ev)
                samples.removeAll(keepingCapacity: true)
            }
            if processed > 0 {
                sinceCommit += processed
                // A commit can fail while the group rebalances (the generation moved on); the offsets are then
                // committed by the partition's next owner or redelivered: report it and go on.
                do {
                    switch commit {
                    case .sync: try consumer.commit(async: false)
                    case .async: try consumer.commit(async: true)
                    case .batch(let n) where sinceCommit >= n:
                        try consumer.commit(async: false)
                        sinceCommit = 0
                    default: break
                    }
                } catch {
                    var ev = WorkerEvent(event: .error)
                    ev.message = "\(error)"
                    ev.fatal = false
                    emit(ev)
                }
            }
            let now = MonotonicClock.nanoseconds()
            if running && final == nil {
                let assigned = consumer.assignment
                let allEOF = eofPartitions.isSuperset(of: assigned) && (!assigned.isEmpty || mode == .drain)
                if mode == .window && now >= windowEnd {
                    try consumer.pause(Array(consumer.assignment))
                    final = makeFinal()
                } else if (mode == .drain && allEOF) || (mode == .count && (consumed >= limit || (spec.maxMessages == nil && allEOF))) {
                    doneNs = now
                    final = makeFinal()
                }
                if let final {
                    var ev = WorkerEvent(event: .final, t: now)
                    ev.final = final
                    emit(ev)
                    if mode == .count { break }
                }
            }
            if now >= nextProgress && running && mode != .live {
                var ev = WorkerEvent(event: .progress, t: now)
                ev.messages = consumed
                ev.bytes = bytes
                emit(ev)
                nextProgress = now + progressInterval
            }
        }
        if final == nil {
            doneNs = doneNs ?? MonotonicClock.nanoseconds()
            final = makeFinal()
            var ev = WorkerEvent(event: .final)
            ev.final = final
            emit(ev)
        }
        if case .async = commit { try? consumer.commit(async: false) }
        if case .batch = commit, sinceCommit > 0 { try? consumer.commit(async: false) }
        try consumer.close()
        emit(WorkerEvent(event: .closed))
        return final!
    }

    @inline(__always)
    private func recordOffset(_ topicIndex: Int, _ partition: Int32, _ offset: Int64) {
        let p = Int(partition)
        if topicIndex >= audits.count { audits += Array(repeating: [], count: topicIndex + 1 - audits.count) }
        if p >= audits[topicIndex].count {
            audits[topicIndex] += Array(repeating: PartitionAudit(), count: p + 1 - audits[topicIndex].count)
        }
        audits[topicIndex][p].record(offset)
    }

    private func onRebalance(_ change: AssignmentChange, _ consumer: KafkaConsumer) {
        if running && spec.mode.gated { rebalancesAfterGo += 1 }
        // Paused after the batch call returns, not here: librdkafka 2.0.2's batch consume is not safe against
        // pause/resume made while it runs (this callback runs inside it), which re-delivered a partition's offsets.
        if change.kind == .assigned && !running { pendingPause += change.partitions }
        if change.kind != .assigned { for tp in change.partitions { eofPartitions.remove(tp) } }
        var ev = WorkerEvent(event: .assignment)
        ev.partitions = change.assignment.sorted()
        ev.change = change.kind.rawValue
        if let e = change.error { ev.message = e.description }
        emit(ev)
    }
}
