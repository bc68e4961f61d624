import Histogram

/// What one script event did to the group.
public struct RebalanceEventResult: Sendable, Equatable {
    public var action: String
    /// Seconds after the start of traffic.
    public var atSeconds: Double
    /// The consumer the event acted on.
    public var target: String
    /// Event → first assignment change reported by another member (the group started rebalancing).
    public var detectionMs: Double?
    /// Event → every partition assigned again, exactly once, and consumed since.
    public var rebalanceMs: Double?
    /// Longest interval in which no consumer consumed anything, from the event to the end of the rebalance.
    public var pauseMs: Double
    /// Partitions not consumed for longer than the pause threshold in that interval, and the longest such pause.
    public var pausedPartitions: Int
    public var maxPartitionPauseMs: Double
    /// Partitions whose owner changed between just before the event and the end of the rebalance.
    public var moved: Int
    public var assignmentBefore: String
    public var assignmentAfter: String
    /// End-to-end latency from the event to one second after the rebalance.
    public var latencyP50Ms: Double
    public var latencyP99Ms: Double
    public var latencyMaxMs: Double
    /// Messages processed a second time after this event (and before the next).
    public var duplicates: Int
    /// Messages never processed on partitions the event's target held (kill/leave).
    public var lost: Int
}

/// One 100 ms point of the timeline, per consumer and for the whole group (`consumer == "group"`).
public struct RebalanceTimelinePoint: Sendable, Equatable {
    public var tSeconds: Double
    public var consumer: String
    public var msgsPerS: Double
    public var assigned: Int
    /// Group rows only: p99 end-to-end latency of the messages processed in the interval (0 when none).
    public var latencyP99Ms: Double
}

/// The measured story of one assignor's run: per-event rebalances, the timeline, and the overall audit.
public struct RebalanceAnalysis: Sendable {
    public var assignor: Assignor
    public var events: [RebalanceEventResult] = []
    public var timeline: [RebalanceTimelinePoint] = []
    public var produced = 0
    public var processedUnique = 0
    public var duplicates = 0
    public var lost = 0
    public var latencyP50Ms = 0.0
    public var latencyP99Ms = 0.0
    public var latencyP999Ms = 0.0
    public var latencyMaxMs = 0.0
    public var notes: [String] = []

    static func newHistogram() -> Histogram<UInt64> {
        Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    }

    static func ms(_ ns: UInt64) -> Double { Double(ns) / 1e6 }

    public static func analyze(_ r: RebalanceRecording, bucketMs: Int = 100) -> RebalanceAnalysis {
        var a = RebalanceAnalysis(assignor: r.assignor)
        a.notes = r.notes
        a.produced = r.produced
        let samples = r.samples.sorted { $0.ns < $1.ns }
        let allPartitions = Set((0..<Int32(r.partitions)))
        let assignments = r.assignments.sorted { $0.ns < $1.ns }

        /// Partition → owning worker at `ns`, from each live worker's latest assignment; nil when some live
        /// worker has not been assigned yet, or a partition is held twice.
        func owners(at ns: UInt64, requireComplete: Bool) -> [Int32: Int]? {
            var latest: [Int: [Int32]] = [:]
            for e in assignments where e.ns <= ns { latest[e.worker] = e.partitions }
            var out: [Int32: Int] = [:]
            for w in r.workers.indices where r.alive(w, at: ns) {
                guard let ps = latest[w] else {
                    if requireComplete { return nil }
                    continue
                }
                for p in ps {
                    if out[p] != nil, requireComplete { return nil }
                    out[p] = w
                }
            }
            if requireComplete && Set(out.keys) != allPartitions { return nil }
            return out
        }
        func describe(_ owners: [Int32: Int]) -> String {
            var byWorker: [String: [Int32]] = [:]
            for (p, w) in owners { byWorker[r.workers[w].name, default: []].append(p) }
            return byWorker.keys.sorted().map { "\($0):\(byWorker[$0]!.sorted().map(String.init).joined(separator: "+"))" }.joined(separator: " ")
        }

        // Duplicates: an offset processed again. Attributed to the latest event before the repeat.
        var seen: [Int32: Set<Int64>] = [:]
        var duplicateTimes: [UInt64] = []
        for s in samples {
            if !seen[s.partition, default: []].insert(s.offset).inserted { duplicateTimes.append(s.ns) }
        }
        a.duplicates = duplicateTimes.count
        a.processedUnique = seen.values.reduce(0) { $0 + $1.count }
        var lostByPartition: [Int32: Int] = [:]
        for p in 0..<Int32(r.partitions) where Int(p) < r.highWatermarks.count {
            let low = Int(p) < r.lowWatermarks.count ? r.lowWatermarks[Int(p)] : 0
            let got = seen[p] ?? []
            let missing = (low..<r.highWatermarks[Int(p)]).reduce(0) { $0 + (got.contains($1) ? 0 : 1) }
            lostByPartition[p] = missing
            a.lost += missing
        }

        var overall = newHistogram()
        for s in samples { _ = overall.record(s.latencyMicros) }
        if overall.totalCount > 0 {
            a.latencyP50Ms = Double(overall.valueAtPercentile(50)) / 1000
            a.latencyP99Ms = Double(overall.valueAtPercentile(99)) / 1000
            a.latencyP999Ms = Double(overall.valueAtPercentile(99.9)) / 1000
            a.latencyMaxMs = Double(overall.max) / 1000
        }

        // Expected gap between two messages of one partition; a partition is "paused" well beyond it.
        let span = max(1, r.endNs - r.startNs)
        let perPartitionGap = samples.isEmpty ? 10_000_000 : span / UInt64(max(1, samples.count / max(1, r.partitions)))
        let pauseThreshold = max(250_000_000, 20 * perPartitionGap)
        let finish = max(r.endNs, samples.last?.ns ?? r.endNs)

        for (k, event) in r.events.enumerated() {
            let tE = event.ns
            let tN = k + 1 < r.events.count ? r.events[k + 1].ns : finish
            let inWindow = assignments.filter { $0.ns >= tE && $0.ns < tN }
            let detection = inWindow.first { $0.worker != event.worker }?.ns

            // The end of the rebalance: the last moment the assignment became complete again in this window.
            var broken = owners(at: tE, requireComplete: true) == nil
            var coverNs: UInt64? = nil
            for e in inWindow {
                let complete = owners(at: e.ns, requireComplete: true) != nil
                if !complete { broken = true } else if broken { coverNs = e.ns; broken = false }
            }
            if coverNs == nil, !broken, let last = inWindow.last?.ns { coverNs = last }
            var endNs: UInt64? = nil
            if let cover = coverNs {
                var latestFirst: UInt64 = cover
                var all = true
                for p in allPartitions {
                    if let s = samples.first(where: { $0.partition == p && $0.ns >= cover }) {
                        latestFirst = max(latestFirst, s.ns)
                    } else { all = false }
                }
                if all { endNs = latestFirst }
            }
            let windowEnd = endNs ?? tN

            // Pauses: longest gaps in consumption overlapping [event, end of rebalance].
            func longestGap(_ times: [UInt64]) -> UInt64 {
                var prev = tE
                var gap: UInt64 = 0
                for t in times where t >= tE {
                    if t > windowEnd { gap = max(gap, t - prev); break }
                    gap = max(gap, t - prev)
                    prev = t
                }
                return gap
            }
            let groupPause = longestGap(samples.map(\.ns))
            var paused = 0
            var maxPartitionPause: UInt64 = 0
            for p in allPartitions {
                let g = longestGap(samples.filter { $0.partition == p }.map(\.ns))
                if g > pauseThreshold { paused += 1 }
                maxPartitionPause = max(maxPartitionPause, g)
            }

            let before = owners(at: tE > 0 ? tE - 1 : tE, requireComplete: false) ?? [:]
            let after = owners(at: windowEnd, requireComplete: false) ?? [:]
            let moved = allPartitions.filter { before[$0] != after[$0] }.count

            var window = newHistogram()
            for s in samples where s.ns >= tE && s.ns <= windowEnd + 1_000_000_000 { _ = window.record(s.latencyMicros) }
            let lost = (event.action == .kill || event.action == .leave)
                ? before.filter { $0.value == event.worker }.keys.reduce(0) { $0 + (lostByPartition[$1] ?? 0) } : 0

            a.events.append(RebalanceEventResult(
                action: event.action.rawValue, atSeconds: Double(tE - r.startNs) / 1e9, target: r.workers[event.worker].name,
                detectionMs: detection.map { ms($0 - tE) }, rebalanceMs: endNs.map { ms($0 - tE) },
                pauseMs: ms(groupPause), pausedPartitions: paused, maxPartitionPauseMs: ms(maxPartitionPause),
                moved: moved, assignmentBefore: describe(before), assignmentAfter: describe(after),
                latencyP50Ms: window.totalCount > 0 ? Double(window.valueAtPercentile(50)) / 1000 : 0,
                latencyP99Ms: window.totalCount > 0 ? Double(window.valueAtPercentile(99)) / 1000 : 0,
                latencyMaxMs: window.totalCount > 0 ? Double(window.max) / 1000 : 0,
                duplicates: duplicateTimes.filter { $0 >= tE && $0 < tN }.count, lost: lost))
        }

        // Timeline.
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
        var consumerRows: [RebalanceTimelinePoint] = []
        for b in 0..<buckets {
            let t = r.startNs + UInt64(b + 1) * bucket
            let own = owners(at: t, requireComplete: false) ?? [:]
            var total = 0
            for w in r.workers.indices where r.workers[w].spawnNs <= t && (r.workers[w].endNs.map { $0 + bucket > t - bucket } ?? true) {
                total += counts[w][b]
                consumerRows.append(RebalanceTimelinePoint(
                    tSeconds: Double(b) * Double(bucketMs) / 1000, consumer: r.workers[w].name,
                    msgsPerS: Double(counts[w][b]) * perSecond, assigned: own.filter { $0.value == w }.count, latencyP99Ms: 0))
            }
            let h = bucketLatency[b]
            a.timeline.append(RebalanceTimelinePoint(
                tSeconds: Double(b) * Double(bucketMs) / 1000, consumer: "group", msgsPerS: Double(total) * perSecond,
                assigned: own.count, latencyP99Ms: h.totalCount > 0 ? Double(h.valueAtPercentile(99)) / 1000 : 0))
        }
        // group rows first, contiguous, so a plot filtering them draws connected lines
        a.timeline += consumerRows
        return a
    }
}
