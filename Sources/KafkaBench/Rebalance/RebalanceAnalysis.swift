import Histogram

/// The measured story of one assignor's run: per-event results, the timelines, and the whole run's audit.
/// Built once, offline, by `analyze(_:bucketMs:)` from a finished `RebalanceRecording`; a pure function of it, so
/// tests feed it hand-made recordings. The computations live in extensions named for what they compute
/// (`RebalanceEventWindow.swift`, `RebalanceLag.swift`, `RebalanceKeyAudit.swift`, `RebalanceTimelines.swift`, …).
public struct RebalanceAnalysis: Sendable {
    /// A partition stalls when a message is available and not consumed for longer than this (250 ms, in ns).
    public static let stallThresholdNs: UInt64 = 250_000_000

    /// The assignor (and so the group protocol) the run measured.
    public var assignor: Assignor
    /// One row per script event in script order; a `rolling-restart` adds one row per consumer turn after its own.
    public var events: [RebalanceEventResult] = []
    /// Group rows (one per interval) first, then consumer rows.
    public var timeline: [RebalanceTimelinePoint] = []
    /// Partition-major: every interval of partition 0, then of partition 1, …
    public var partitionTimeline: [PartitionTimelinePoint] = []
    /// Messages the live producer delivered over the run (successful delivery reports, `RebalanceRecording.produced`).
    public var produced = 0
    /// The live producer's failed delivery reports over the run.
    public var deliveryFailures = 0
    /// Distinct offsets processed at least once.
    public var processedUnique = 0
    /// Processings of an offset already processed (each repeat counts once).
    public var duplicates = 0
    /// Offsets between the low and high watermarks never processed though a later offset of their partition was:
    /// skipped by the group (the undrained tail is counted in `undrained` instead).
    public var lost = 0
    /// Every lost offset, per partition, as "p:first–last" ranges (space-separated).
    public var lostRanges = ""
    /// Lost messages produced before the first event (not attributed to any event).
    public var lostBeforeFirstEvent = 0
    /// Messages after the last one processed on their partition when the final drain gave up (`--drain-timeout`):
    /// not skipped, but never consumed, because the group was not consuming them by the end of the run.
    public var undrained = 0
    /// The undrained offsets, as "p:first–last" ranges (space-separated).
    public var undrainedRanges = ""
    /// End-to-end latency (intended send time to processing end) of every processing in the run, duplicates
    /// included, in ms; 0 when nothing was processed.
    /// Totals CSV column `latency_p50_ms`, 1 decimal (empty when absent or not finite).
    public var latencyP50Ms = 0.0
    /// Totals CSV column `latency_p99_ms`, 1 decimal (empty when absent or not finite).
    public var latencyP99Ms = 0.0
    /// Totals CSV column `latency_p999_ms`, 1 decimal (empty when absent or not finite).
    public var latencyP999Ms = 0.0
    /// Totals CSV column `latency_max_ms`, 1 decimal (empty when absent or not finite).
    public var latencyMaxMs = 0.0
    /// Messages processed (first time) after a later event of the same user: per-key order broken; up to five
    /// examples ("p3 user 17: seq 1204 after 1210").
    public var orderViolations = 0
    /// Up to five of the order violations, earliest first, "; "-separated.
    public var orderExamples = ""
    /// Events (user and sequence) found at two offsets: written twice by the producer, which idempotence must
    /// prevent; up to five examples.
    public var writtenTwice = 0
    /// Up to five of them, earliest first: "p2 user 9 seq 311 at offsets 1040 and 1052".
    public var writtenTwiceExamples = ""
    /// The live producer over the whole run: request retries (nil without statistics) and produce latency from
    /// delivery reports.
    /// Totals CSV column `produce_retries`, empty when nil.
    public var produceRetries: Int?
    /// Produce latency percentiles of the run's successful deliveries, ms (0 when there were none).
    /// Totals CSV column `produce_p50_ms`, 1 decimal (empty when absent or not finite).
    public var produceP50Ms = 0.0
    /// Totals CSV column `produce_p99_ms`, 1 decimal (empty when absent or not finite).
    public var produceP99Ms = 0.0
    /// Totals CSV column `produce_max_ms`, 1 decimal (empty when absent or not finite).
    public var produceMaxMs = 0.0
    /// The group's lag in steady traffic: its highest value in the second before the first event, plus 100 ms of
    /// traffic (the run's produced messages per second × 0.1 s), so that noise does not count as a rise.
    /// Totals CSV column `steady_lag_msgs`.
    public var steadyLagMessages = 0
    /// Percent of the host's cores busy, and stolen by the hypervisor, while the traffic ran (NaN when not
    /// recorded). At `HostCPU.stolenPercent` steal or `HostCPU.hostBoundPercent` busy, stalls and convergence may
    /// measure the host: a descheduled consumer pauses its partitions as a rebalance does.
    /// Totals CSV columns `host_cpu_pct`, `host_steal_pct` (schema 3), 1 decimal.
    public var hostCpuPct = Double.nan
    public var hostStealPct = Double.nan
    /// Whether the run measured the host rather than the group (its CPU saturated or stolen).
    public var measuresHost: Bool { HostCPU.measuresHost(cpuPct: hostCpuPct, stealPct: hostStealPct) }
    /// Each partition's leader when traffic started ("0:b1 1:b3 …"; embedded cluster only).
    public var leadersAtStart = ""
    /// The recording's notes (unexpected worker exits, consumer errors, an incomplete drain), carried to the report.
    public var notes: [String] = []

    /// A latency histogram in microseconds: up to one hour (3.6e9 µs), three significant digits.
    static func newHistogram() -> Histogram<UInt64> {
        Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    }

    /// Nanoseconds (a monotonic-clock difference) to milliseconds.
    static func ms(_ ns: UInt64) -> Double { Double(ns) / 1e6 }

    /// Measures a finished run: the run-wide audit (loss, duplicates, undrained tail, latency, per-key order,
    /// producer figures), the group and partition timelines in `bucketMs` intervals (ms), the steady lag, and one
    /// `RebalanceEventResult` per event measured over its window (the event to the next one; the last one to the end
    /// of traffic or the last processing, whichever is later). Pure: called once the workers have stopped.
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
        (a.hostCpuPct, a.hostStealPct) = HostCPU.usage(from: r.hostAtStart, to: r.hostAtEnd)

        /// One row: the event window's own figures (`analyzeEvent`) plus those that need run-wide inputs: order and
        /// written-twice findings, the producer's figures and retries in [tE, tN), the lag figures and the command.
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
}
