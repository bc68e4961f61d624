import Histogram

/// What one script event did to the group, measured per partition over the event's window: from the event to the
/// next event (or the end of the run), so nothing is attributed to the wrong event.
public struct RebalanceEventResult: Sendable, Equatable {
    public var action: String
    /// Seconds after the start of traffic.
    public var atSeconds: Double
    /// Where the event's window ends: the next event, or the end of the run (seconds after the start of traffic).
    public var windowEndSeconds: Double
    /// The consumer the event acted on.
    public var target: String
    /// Event → the first moment another member showed it knew of the rebalance: its group join state left
    /// "steady" (librdkafka statistics, 100 ms resolution) or its assignment changed, whichever came first. The
    /// same signal under eager and cooperative protocols.
    public var detectionMs: Double?
    /// The group had not settled from an earlier event when this one came (an earlier rebalance still running):
    /// detection then counts only members leaving "steady", and the figures mix both events' effects.
    public var previousRebalanceRunning: Bool
    /// Event → every partition owned exactly once by a live member, every live member owning one (when there are
    /// no more members than partitions), and every partition consumed again since; nil when that did not happen
    /// within the window ("did not converge"). For a broker fault, also every stall that overlaps the window ended.
    public var convergenceMs: Double?
    /// When the group did not converge: who owned what at the window's end, unowned partitions, idle members.
    public var stateAtWindowEnd: String
    /// Partitions that stalled in the window (a message available and not consumed for longer than the stall
    /// threshold), the longest such stall and its partition.
    public var stalledPartitions: Int
    public var maxPartitionStallMs: Double
    public var maxStallPartition: Int32?
    /// The integral over partitions of "had backlog and was not consumed" (stalls only) within the window.
    public var partitionSecondsUnconsumed: Double
    /// The most messages the group fell behind steady traffic during the window (peak of produced − consumed
    /// since the event).
    public var deficitMessages: Int
    /// Longest interval in the window in which no partition was consumed at all (a group-wide figure that any
    /// live partition keeps near zero; secondary to the per-partition view).
    public var groupPauseMs: Double
    /// Partitions whose owner changed between just before the event and convergence (or the window's end).
    public var moved: Int
    public var assignmentBefore: String
    public var assignmentAfter: String
    /// End-to-end latency (intended send time to first processing) of the events produced in the window, however
    /// late they were consumed: a fault's outage lands in its own row, not in the row of the event after it.
    public var latencyP50Ms: Double
    public var latencyP99Ms: Double
    public var latencyMaxMs: Double
    /// Messages processed again within the window.
    public var duplicates: Int
    /// Messages never processed whose (estimated) production time falls in the window, and their offsets.
    public var lost: Int
    public var lostRanges: String

    /// What a broker fault did ("b2 down; it leads partitions 1 4"); "" for consumer events.
    public var detail = ""
    /// The partitions that stalled in the window, ascending, space-separated.
    public var stalledPartitionList = ""
    /// The group's lag (messages produced, by their intended send time, and not yet processed; 100 ms points)
    /// at the event: its highest value in the second before it.
    public var lagBeforeMessages = 0
    /// The highest group lag in the window and how long after the event it came.
    public var lagPeakMessages = 0
    public var lagPeakAfterMs: Double?
    /// Event → the group's lag back at or below its steady level (`RebalanceAnalysis.steadyLagMessages`) after its
    /// peak in the window (0 when it never rose above it); nil when that did not happen within the window.
    public var recoveryMs: Double?
    /// Messages processed (first time) in the window after a later event of the same user had already been
    /// processed: per-key order broken.
    public var orderViolations = 0
    /// Events found at a second offset of their partition (processed in the window): written twice by the producer.
    public var writtenTwice = 0
    /// The live producer (idempotent), for the messages it enqueued in the window: failed deliveries, request
    /// retries (librdkafka statistics `txretries`, 250 ms resolution; nil without statistics; in 2.0.2 a message
    /// set sent again after an error response is re-queued, not a request retry, so it is not counted), and produce
    /// latency from delivery reports (enqueue to acknowledgement, retries included).
    public var produceErrors = 0
    public var produceRetries: Int?
    public var produceP50Ms = 0.0
    public var produceP99Ms = 0.0
    public var produceMaxMs = 0.0
    /// The `--on-event` command run at the event, its exit status and output.
    public var command = ""
    public var commandExit: Int32?
    public var commandOutput = ""

    /// A `rolling-restart` consumer's turn: "k/N" (its window runs from its stop to the next consumer's stop, the
    /// last one's to the end of the deploy's window); "" for every whole event, the deploy's included.
    public var part = ""
    /// A turn: its stop → the restarted consumer had rejoined (`RollingRestart.hasRejoined`); nil when it had not
    /// within the bound, and for every other row.
    public var rejoinMs: Double?

    public var converged: Bool { convergenceMs != nil }
}

/// One 100 ms point of the timeline, per consumer and for the whole group (`consumer == "group"`).
public struct RebalanceTimelinePoint: Sendable, Equatable {
    public var tSeconds: Double
    public var consumer: String
    public var msgsPerS: Double
    public var assigned: Int
    /// Group rows only: p99 end-to-end latency of the messages processed in the interval (0 when none).
    public var latencyP99Ms: Double
    /// Group rows only: messages produced (by intended send time) and not yet processed at the interval's end.
    public var lag = 0
}

/// One 100 ms point of one partition: what was produced and consumed, who owned it, its lag and whether it
/// stalled — enough to recompute every per-partition figure of the events.
public struct PartitionTimelinePoint: Sendable, Equatable {
    public var tSeconds: Double
    public var partition: Int32
    /// The live owner at the end of the interval ("" when none; "c01+c02" when held twice).
    public var owner: String
    public var produced: Int
    public var consumed: Int
    /// Messages produced and not yet consumed at the end of the interval.
    public var lag: Int
    /// Milliseconds of the interval the partition spent stalled.
    public var stalledMs: Double
}

/// The measured story of one assignor's run: per-event results, the timelines, and the whole run's audit.
public struct RebalanceAnalysis: Sendable {
    /// A partition stalls when a message is available and not consumed for longer than this.
    public static let stallThresholdNs: UInt64 = 250_000_000

    public var assignor: Assignor
    public var events: [RebalanceEventResult] = []
    public var timeline: [RebalanceTimelinePoint] = []
    public var partitionTimeline: [PartitionTimelinePoint] = []
    public var produced = 0
    public var deliveryFailures = 0
    public var processedUnique = 0
    public var duplicates = 0
    public var lost = 0
    /// Every offset never processed, per partition, as "p:first–last" ranges.
    public var lostRanges = ""
    /// Lost messages produced before the first event (not attributed to any event).
    public var lostBeforeFirstEvent = 0
    /// Messages after the last one processed on their partition when the final drain gave up (`--drain-timeout`):
    /// not skipped, but never consumed, because the group was not consuming them by the end of the run.
    public var undrained = 0
    public var undrainedRanges = ""
    public var latencyP50Ms = 0.0
    public var latencyP99Ms = 0.0
    public var latencyP999Ms = 0.0
    public var latencyMaxMs = 0.0
    /// Messages processed (first time) after a later event of the same user: per-key order broken; up to five
    /// examples ("p3 user 17: seq 1204 after 1210").
    public var orderViolations = 0
    public var orderExamples = ""
    /// Events (user and sequence) found at two offsets: written twice by the producer, which idempotence must
    /// prevent; up to five examples.
    public var writtenTwice = 0
    public var writtenTwiceExamples = ""
    /// The live producer over the whole run: request retries (nil without statistics) and produce latency from
    /// delivery reports.
    public var produceRetries: Int?
    public var produceP50Ms = 0.0
    public var produceP99Ms = 0.0
    public var produceMaxMs = 0.0
    /// The group's lag in steady traffic: its highest value in the second before the first event, plus 100 ms of
    /// traffic (the run's produced messages per second × 0.1 s), so that noise does not count as a rise.
    public var steadyLagMessages = 0
    /// Each partition's leader when traffic started ("0:b1 1:b3 …"; embedded cluster only).
    public var leadersAtStart = ""
    public var notes: [String] = []

    static func newHistogram() -> Histogram<UInt64> {
        Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    }

    static func ms(_ ns: UInt64) -> Double { Double(ns) / 1e6 }

    public static func analyze(_ r: RebalanceRecording, bucketMs: Int = 100) -> RebalanceAnalysis {
        var a = RebalanceAnalysis(assignor: r.assignor)
        a.notes = r.notes
        a.produced = r.produced
        a.deliveryFailures = r.deliveryFailures
        let samples = r.samples.sorted { $0.ns < $1.ns }
        let finish = max(r.endNs, samples.last?.ns ?? r.endNs)
        let partitions = (0..<Int32(r.partitions)).map { p in
            PartitionActivity(
                partition: p, samples: samples.filter { $0.partition == p }, trafficStartNs: r.startNs,
                thresholdNs: stallThresholdNs)
        }
        let ownership = GroupOwnership(r)

        // The whole run's audit: duplicates, and every offset between the low and high watermarks never processed:
        // lost when a later offset of its partition was processed (skipped), undrained when none was.
        a.duplicates = partitions.reduce(0) { $0 + $1.consumptions.filter { !$0.first }.count }
        a.processedUnique = partitions.reduce(0) { $0 + $1.consumptions.filter(\.first).count }
        var lostOffsets: [(partition: Int32, range: OffsetRange, producedNs: UInt64)] = []
        for pa in partitions where Int(pa.partition) < r.highWatermarks.count {
            let p = Int(pa.partition)
            let low = p < r.lowWatermarks.count ? r.lowWatermarks[p] : 0
            let firsts = pa.consumptions.filter(\.first)
            let union = Verification.merge(firsts.map { OffsetRange($0.offset, $0.offset) })
            let byOffset = Dictionary(firsts.map { ($0.offset, $0.producedNs) }) { x, _ in x }
            for hole in Verification.holes(in: union, from: low, through: r.highWatermarks[p] - 1) {
                // offsets after the last one processed: still waiting when the final drain gave up (not skipped)
                if hole.last == r.highWatermarks[p] - 1 && hole.first > (union.last?.last ?? low - 1) {
                    a.undrained += Int(hole.length)
                    a.undrainedRanges += (a.undrainedRanges.isEmpty ? "" : " ") + "\(pa.partition):\(hole)"
                    continue
                }
                // estimated production time: that of the last processed message before the hole (or after it)
                let before = byOffset[hole.first - 1] ?? byOffset[hole.last + 1] ?? r.startNs
                lostOffsets.append((pa.partition, hole, before))
                a.lost += Int(hole.length)
            }
        }
        a.lostRanges = lostOffsets.map { "\($0.partition):\($0.range)" }.joined(separator: " ")
        a.lostBeforeFirstEvent = lostOffsets.filter { $0.producedNs < (r.events.first?.ns ?? .max) }.reduce(0) { $0 + Int($1.range.length) }

        var overall = newHistogram()
        for s in samples { _ = overall.record(s.latencyMicros) }
        if overall.totalCount > 0 {
            a.latencyP50Ms = Double(overall.valueAtPercentile(50)) / 1000
            a.latencyP99Ms = Double(overall.valueAtPercentile(99)) / 1000
            a.latencyP999Ms = Double(overall.valueAtPercentile(99.9)) / 1000
            a.latencyMaxMs = Double(overall.max) / 1000
        }

        let (violations, writtenTwice) = keyAudit(samples)
        a.orderViolations = violations.count
        a.orderExamples = violations.prefix(5).map(\.text).joined(separator: "; ")
        a.writtenTwice = writtenTwice.count
        a.writtenTwiceExamples = writtenTwice.prefix(5).map(\.text).joined(separator: "; ")
        let produce = produceFigures(r.deliveries, from: 0, to: .max)
        (a.produceP50Ms, a.produceP99Ms, a.produceMaxMs) = (produce.p50, produce.p99, produce.max)
        a.produceRetries = r.retries.last?.retries
        a.leadersAtStart = r.leadersAtStart.enumerated().map { "\($0.offset):b\($0.element)" }.joined(separator: " ")

        a.timeline = groupTimeline(r, samples: samples, ownership: ownership, finish: finish, bucketMs: bucketMs)
        a.partitionTimeline = partitionTimeline(r, partitions: partitions, ownership: ownership, finish: finish, bucketMs: bucketMs)
        // the partition timeline is partition-major: bucket b of every partition sums to the group's lag
        let buckets = r.partitions > 0 ? a.partitionTimeline.count / r.partitions : 0
        var groupLag = [Int](repeating: 0, count: buckets)
        for (i, p) in a.partitionTimeline.enumerated() where buckets > 0 { groupLag[i % buckets] += p.lag }
        // the group timeline starts with one group row per bucket
        for b in groupLag.indices where b < a.timeline.count && a.timeline[b].consumer == "group" { a.timeline[b].lag = groupLag[b] }
        let bucket = UInt64(bucketMs) * 1_000_000
        // steady lag: its highest value in the second before the first event, plus 100 ms of traffic (a rise
        // smaller than that is noise, not an effect)
        let seconds = Double(r.endNs - r.startNs) / 1e9
        let steadyLag =
            maxLag(groupLag, startNs: r.startNs, bucketNs: bucket, before: r.events.first?.ns ?? r.endNs)
            + Int((Double(r.produced) / max(seconds, 1) * 0.1).rounded())
        a.steadyLagMessages = steadyLag

        func row(_ event: RebalanceRecording.Event, from tE: UInt64, to tN: UInt64, previousConverged: Bool, isLast: Bool) -> RebalanceEventResult {
            var e = analyzeEvent(
                event, from: tE, to: tN, previousConverged: previousConverged, recording: r,
                samples: samples, partitions: partitions, ownership: ownership, lostOffsets: lostOffsets)
            e.detail = event.detail
            e.orderViolations = violations.filter { $0.ns >= tE && $0.ns < tN }.count
            e.writtenTwice = writtenTwice.filter { $0.ns >= tE && $0.ns < tN }.count
            let w = produceFigures(r.deliveries, from: tE, to: tN)
            (e.produceErrors, e.produceP50Ms, e.produceP99Ms, e.produceMaxMs) = (w.failed, w.p50, w.p99, w.max)
            let retriesAt = { (t: UInt64) in r.retries.last { $0.ns <= t }?.retries ?? 0 }
            e.produceRetries = r.retries.isEmpty ? nil : retriesAt(tN) - retriesAt(tE)
            lag(groupLag, startNs: r.startNs, bucketNs: bucket, steady: steadyLag, from: tE, to: tN, isLast: isLast, into: &e)
            if let c = event.command { (e.command, e.commandExit, e.commandOutput) = (c.command, c.exitStatus, c.output) }
            return e
        }
        var previousConverged = true
        for (k, event) in r.events.enumerated() {
            let tN = k + 1 < r.events.count ? r.events[k + 1].ns : finish
            let isLast = k + 1 == r.events.count
            let before = previousConverged
            var e = row(event, from: event.ns, to: tN, previousConverged: before, isLast: isLast)
            previousConverged = e.converged
            if !event.turns.isEmpty { e.target = event.turns.map(\.name).joined(separator: " ") }
            a.events.append(e)
            a.events += turnRows(event, to: tN, previousConverged: before) { turn, from, to, previous, lastTurn in
                row(turn, from: from, to: to, previousConverged: previous, isLast: isLast && lastTurn)
            }
        }
        return a
    }

    /// A `rolling-restart`'s rows per consumer, after its whole row: turn k from its stop to turn k+1's stop (the
    /// last to `tN`, the end of the deploy's window), measured by `row` like any event, with the stopped process as
    /// the event's worker.
    static func turnRows(
        _ event: RebalanceRecording.Event, to tN: UInt64, previousConverged: Bool,
        row: (RebalanceRecording.Event, UInt64, UInt64, Bool, Bool) -> RebalanceEventResult
    ) -> [RebalanceEventResult] {
        var rows: [RebalanceEventResult] = []
        var previous = previousConverged
        for (i, turn) in event.turns.enumerated() {
            let end = i + 1 < event.turns.count ? event.turns[i + 1].stopNs : tN
            guard turn.stopNs < tN else { break }
            var e = row(
                .init(action: event.action, ns: turn.stopNs, worker: turn.stoppedWorker), turn.stopNs, min(end, tN), previous, i + 1 == event.turns.count)
            e.part = "\(i + 1)/\(event.turns.count)"
            e.rejoinMs = turn.rejoinedNs.map { ms($0 - turn.stopNs) }
            previous = e.converged
            rows.append(e)
        }
        return rows
    }

    /// A finding of the per-key audit: when the message was processed, and what is wrong.
    struct KeyFinding {
        var ns: UInt64
        var text: String
    }

    /// The per-key audit of first processings, per partition (a user's events all land on one) in processing
    /// order: `reordered`, a user's event processed after a later one of the same user (its producer sequence
    /// lower than one already seen); `writtenTwice`, an event (user and sequence) found at a second offset, which
    /// the idempotent producer must prevent. Messages without a kbench event (user 0, sequence 0) are skipped by
    /// the second check.
    static func keyAudit(_ samples: [RebalanceRecording.Sample]) -> (reordered: [KeyFinding], writtenTwice: [KeyFinding]) {
        var reordered: [KeyFinding] = [], twice: [KeyFinding] = []
        for (partition, list) in Dictionary(grouping: samples, by: \.partition).sorted(by: { $0.key < $1.key }) {
            var seen = Set<Int64>()
            var highest: [UInt32: UInt32] = [:]
            var events: [UInt64: Int64] = [:]
            for s in list.sorted(by: { ($0.ns, $0.offset) < ($1.ns, $1.offset) }) where seen.insert(s.offset).inserted {
                let key = UInt64(s.userId) << 32 | UInt64(s.sequence)
                if key != 0, let other = events[key] {
                    twice.append(KeyFinding(ns: s.ns, text: "p\(partition) user \(s.userId) seq \(s.sequence) at offsets \(other) and \(s.offset)"))
                    continue
                }
                events[key] = s.offset
                if let h = highest[s.userId], s.sequence < h {
                    reordered.append(KeyFinding(ns: s.ns, text: "p\(partition) user \(s.userId): seq \(s.sequence) (offset \(s.offset)) after \(h)"))
                } else {
                    highest[s.userId] = s.sequence
                }
            }
        }
        return (reordered.sorted { $0.ns < $1.ns }, twice.sorted { $0.ns < $1.ns })
    }

    /// Produce latency (enqueue to delivery report) and failures of the messages enqueued in [from, to).
    static func produceFigures(_ deliveries: [DeliveryReport], from: UInt64, to: UInt64) -> (failed: Int, p50: Double, p99: Double, max: Double) {
        var h = newHistogram()
        var failed = 0
        for d in deliveries {
            let latencyNs = UInt64(max(0, d.latencyMicros)) * 1000
            let enqueued = d.ns > latencyNs ? d.ns - latencyNs : 0
            guard enqueued >= from && enqueued < to else { continue }
            if d.failed { failed += 1 } else { _ = h.record(UInt64(max(0, d.latencyMicros))) }
        }
        guard h.totalCount > 0 else { return (failed, 0, 0, 0) }
        return (failed, Double(h.valueAtPercentile(50)) / 1000, Double(h.valueAtPercentile(99)) / 1000, Double(h.max) / 1000)
    }

    /// The lag figures of an event from the group's lag at the end of each bucket. `steady` is the group's lag
    /// in steady traffic: its highest value in the second before the run's first event.
    static func lag(
        _ groupLag: [Int], startNs: UInt64, bucketNs: UInt64, steady: Int, from tE: UInt64, to tN: UInt64, isLast: Bool,
        into e: inout RebalanceEventResult
    ) {
        let end = { (b: Int) in startNs + UInt64(b + 1) * bucketNs }
        e.lagBeforeMessages = maxLag(groupLag, startNs: startNs, bucketNs: bucketNs, before: tE)
        // buckets that end in the window; the run's last window (`isLast`) also takes the bucket that ends after it
        let window = groupLag.indices.filter { end($0) > tE && (end($0) <= tN || (isLast && end($0) - bucketNs < tN)) }
        guard let peakBucket = window.max(by: { groupLag[$0] < groupLag[$1] || (groupLag[$0] == groupLag[$1] && $0 > $1) }) else { return }
        e.lagPeakMessages = groupLag[peakBucket]
        e.lagPeakAfterMs = ms(end(peakBucket) - tE)
        if groupLag[peakBucket] <= steady {
            e.recoveryMs = 0
        } else if let back = window.first(where: { $0 > peakBucket && groupLag[$0] <= steady }) {
            e.recoveryMs = ms(end(back) - tE)
        }
    }

    /// The group's highest lag in the second before `ns`.
    static func maxLag(_ groupLag: [Int], startNs: UInt64, bucketNs: UInt64, before ns: UInt64) -> Int {
        let end = { (b: Int) in startNs + UInt64(b + 1) * bucketNs }
        return groupLag.indices.filter { end($0) <= ns && end($0) + 1_000_000_000 >= ns }.map { groupLag[$0] }.max() ?? 0
    }

    /// A worker's last reported join state at or before `ns`.
    static func lastStateBefore(_ r: RebalanceRecording, worker: Int, ns: UInt64) -> String? {
        r.groupStates.filter { $0.worker == worker && $0.ns <= ns }.max { $0.ns < $1.ns }?.state
    }

    static func analyzeEvent(
        _ event: RebalanceRecording.Event, from tE: UInt64, to tN: UInt64, previousConverged: Bool, recording r: RebalanceRecording,
        samples: [RebalanceRecording.Sample], partitions: [PartitionActivity], ownership: GroupOwnership,
        lostOffsets: [(partition: Int32, range: OffsetRange, producedNs: UInt64)]
    ) -> RebalanceEventResult {
        // Detection: another member leaves "steady" (or, when the group was settled at the event, changes its
        // assignment). While an earlier rebalance is still running, its changes would be mistaken for detection.
        let others = { (w: Int) in w != event.worker && r.alive(w, at: tE) }
        var lastState: [Int: String] = [:]
        var leftSteady: UInt64? = nil
        for g in r.groupStates.sorted(by: { $0.ns < $1.ns }) where g.ns < tN {
            // a member with no report yet was steady: the group passed the stable-group barrier before traffic
            if g.ns >= tE, leftSteady == nil, others(g.worker), (lastState[g.worker] ?? "steady") == "steady", g.state != "steady" {
                leftSteady = g.ns
            }
            lastState[g.worker] = g.state
        }
        let settledAtEvent = previousConverged && r.workers.indices.filter(others).allSatisfy { lastStateBefore(r, worker: $0, ns: tE) ?? "steady" == "steady" }
        let assignmentChange =
            settledAtEvent
            ? r.assignments.filter { $0.ns >= tE && $0.ns < tN && others($0.worker) }.map(\.ns).min() : nil
        let detection = [leftSteady, assignmentChange].compactMap { $0 }.min()

        // Convergence: the earliest moment from which the state stays converged to the window's end, plus the time
        // until every partition is consumed again after it.
        let changes = [tE] + ownership.changes(from: tE + 1, to: tN)
        var settled: UInt64? = nil
        for t in changes.reversed() {
            if ownership.state(at: t).converged(partitions: r.partitions) { settled = t } else { break }
        }
        var convergedNs: UInt64? = nil
        if let settled {
            // each partition consumed again since, or with nothing left to consume (traffic may have ended)
            let firsts = partitions.map { pa in
                pa.firstConsumption(atOrAfter: settled, before: tN) ?? (pa.caughtUp(at: settled, producedBefore: tN) ? settled : nil)
            }
            if firsts.allSatisfy({ $0 != nil }) { convergedNs = firsts.compactMap { $0 }.max().map { max($0, settled) } }
        }
        // A broker fault moves no partition, so a consumption right after it says nothing: its convergence also
        // waits for every stall that overlaps the window to end (not converged while one lasts past the window).
        if event.worker < 0, let converged = convergedNs {
            // a stall that runs past the window counts only when its part inside the window is itself a stall
            let overlapping = partitions.flatMap { $0.stalls.filter { $0.start < tN && $0.end > tE } }
            let inside = overlapping.filter { $0.end <= tN }.map(\.end)
            let pastEnd = overlapping.contains { $0.end > tN && tN - max($0.start, tE) > stallThresholdNs }
            convergedNs = pastEnd ? nil : max(converged, inside.max() ?? converged)
        }
        let endState = ownership.state(at: tN > 0 ? tN - 1 : tN)

        // Per-partition stalls within the window.
        var stalled: [Int32] = [], maxStall: UInt64 = 0, maxStallPartition: Int32? = nil, unconsumedNs: UInt64 = 0
        for pa in partitions {
            let lengths = pa.stallLengths(from: tE, to: tN, thresholdNs: stallThresholdNs)
            if !lengths.isEmpty { stalled.append(pa.partition) }
            unconsumedNs += lengths.reduce(0, +)
            if let m = lengths.max(), m > maxStall { maxStall = m; maxStallPartition = pa.partition }
        }

        // Deficit: peak of produced − consumed (first processing) since the event.
        var marks: [(UInt64, Int)] = []
        for pa in partitions {
            for c in pa.consumptions where c.first {
                if c.producedNs >= tE && c.producedNs < tN { marks.append((c.producedNs, 1)) }
                if c.ns >= tE && c.ns < tN && c.producedNs >= tE { marks.append((c.ns, -1)) }
            }
        }
        marks.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        var level = 0, deficit = 0
        for m in marks { level += m.1; deficit = max(deficit, level) }

        // Group-wide pause (secondary).
        var previous = tE, groupPause: UInt64 = 0
        for s in samples where s.ns >= tE && s.ns < tN { groupPause = max(groupPause, s.ns - previous); previous = s.ns }
        groupPause = max(groupPause, tN - previous)

        let before = ownership.state(at: tE > 0 ? tE - 1 : tE)
        let after = convergedNs.map { ownership.state(at: $0) } ?? endState
        let moved = (0..<Int32(r.partitions)).filter { (before.owners[$0] ?? []) != (after.owners[$0] ?? []) }.count

        var window = newHistogram()
        var duplicates = 0
        for pa in partitions { duplicates += pa.consumptions.filter { !$0.first && $0.ns >= tE && $0.ns < tN }.count }
        // latency of the events produced inside the window (by intended send time, as losses are), to their first
        // processing: a fault's row carries what its outage cost even when those events were consumed after it
        for pa in partitions {
            for c in pa.consumptions where c.first && c.producedNs >= tE && c.producedNs < tN { _ = window.record((c.ns - c.producedNs) / 1000) }
        }
        let lost = lostOffsets.filter { $0.producedNs >= tE && $0.producedNs < tN }

        return RebalanceEventResult(
            action: event.action.rawValue, atSeconds: Double(tE - r.startNs) / 1e9, windowEndSeconds: Double(tN - r.startNs) / 1e9,
            target: event.worker >= 0 ? r.workers[event.worker].name : event.target, detectionMs: detection.map { ms($0 - tE) },
            previousRebalanceRunning: !settledAtEvent,
            convergenceMs: convergedNs.map { ms($0 - tE) },
            stateAtWindowEnd: convergedNs == nil ? ownership.problems(endState) : "",
            stalledPartitions: stalled.count, maxPartitionStallMs: ms(maxStall), maxStallPartition: maxStallPartition,
            partitionSecondsUnconsumed: Double(unconsumedNs) / 1e9, deficitMessages: deficit, groupPauseMs: ms(groupPause),
            moved: moved, assignmentBefore: ownership.describe(before), assignmentAfter: ownership.describe(after),
            latencyP50Ms: window.totalCount > 0 ? Double(window.valueAtPercentile(50)) / 1000 : 0,
            latencyP99Ms: window.totalCount > 0 ? Double(window.valueAtPercentile(99)) / 1000 : 0,
            latencyMaxMs: window.totalCount > 0 ? Double(window.max) / 1000 : 0,
            duplicates: duplicates, lost: lost.reduce(0) { $0 + Int($1.range.length) },
            lostRanges: lost.map { "\($0.partition):\($0.range)" }.joined(separator: " "),
            stalledPartitionList: stalled.map(String.init).joined(separator: " "))
    }

    static func groupTimeline(
        _ r: RebalanceRecording, samples: [RebalanceRecording.Sample], ownership: GroupOwnership,
        finish: UInt64, bucketMs: Int
    ) -> [RebalanceTimelinePoint] {
        let bucket = UInt64(bucketMs) * 1_000_000
        let buckets = Int((finish - r.startNs) / bucket) + 1
        var counts = [[Int]](repeating: [Int](repeating: 0, count: buckets), count: r.workers.count)
        var bucketLatency = [Histogram<UInt64>](repeating: newHistogram(), count: buckets)
        for s in samples where s.ns >= r.startNs {
            let b = Int((s.ns - r.startNs) / bucket)
            counts[s.worker][b] += 1
            _ = bucketLatency[b].record(s.latencyMicros)
        }
        let perSecond = 1e9 / Double(bucket)
        var group: [RebalanceTimelinePoint] = []
        var consumers: [RebalanceTimelinePoint] = []
        for b in 0..<buckets {
            let t = r.startNs + UInt64(b + 1) * bucket
            let state = ownership.state(at: min(finish, t))
            var total = 0
            for w in r.workers.indices where r.workers[w].spawnNs <= t && (r.workers[w].endNs.map { $0 + bucket > t - bucket } ?? true) {
                total += counts[w][b]
                consumers.append(
                    RebalanceTimelinePoint(
                        tSeconds: Double(b) * Double(bucketMs) / 1000, consumer: r.workers[w].name,
                        msgsPerS: Double(counts[w][b]) * perSecond, assigned: state.owners.filter { $0.value.contains(w) }.count,
                        latencyP99Ms: 0))
            }
            let h = bucketLatency[b]
            group.append(
                RebalanceTimelinePoint(
                    tSeconds: Double(b) * Double(bucketMs) / 1000, consumer: "group", msgsPerS: Double(total) * perSecond,
                    assigned: state.owners.count, latencyP99Ms: h.totalCount > 0 ? Double(h.valueAtPercentile(99)) / 1000 : 0))
        }
        // group rows first, contiguous, so a plot filtering them draws connected lines
        return group + consumers
    }

    static func partitionTimeline(
        _ r: RebalanceRecording, partitions: [PartitionActivity], ownership: GroupOwnership,
        finish: UInt64, bucketMs: Int
    ) -> [PartitionTimelinePoint] {
        let bucket = UInt64(bucketMs) * 1_000_000
        let buckets = Int((finish - r.startNs) / bucket) + 1
        var out: [PartitionTimelinePoint] = []
        // a bucket shows the state at its end; the last one ends after the recording, when the workers have been
        // stopped, so it shows the state at the recording's end instead
        let states = (0..<buckets).map { ownership.state(at: min(finish, r.startNs + UInt64($0 + 1) * bucket)) }
        for pa in partitions {
            var produced = [Int](repeating: 0, count: buckets), consumed = [Int](repeating: 0, count: buckets)
            for c in pa.consumptions where c.first {
                if c.producedNs >= r.startNs { produced[min(buckets - 1, Int((c.producedNs - r.startNs) / bucket))] += 1 }
                if c.ns >= r.startNs && c.producedNs >= r.startNs { consumed[min(buckets - 1, Int((c.ns - r.startNs) / bucket))] += 1 }
            }
            var lag = 0
            for b in 0..<buckets {
                lag += produced[b] - consumed[b]
                let from = r.startNs + UInt64(b) * bucket
                let stalled = pa.stallLengths(from: from, to: from + bucket).reduce(0, +)
                let owner = (states[b].owners[pa.partition] ?? []).map { r.workers[$0].name }.joined(separator: "+")
                out.append(
                    PartitionTimelinePoint(
                        tSeconds: Double(b) * Double(bucketMs) / 1000, partition: pa.partition,
                        owner: owner, produced: produced[b], consumed: consumed[b], lag: lag,
                        stalledMs: ms(stalled)))
            }
        }
        return out
    }
}
