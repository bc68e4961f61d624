import Histogram

extension RebalanceAnalysis {
    /// The group and consumer rows of the timeline in `bucketMs` intervals from the start of traffic to `finish`
    /// (monotonic ns): messages processed per second (duplicates included), partitions owned at each interval's
    /// end, and (group rows) the interval's p99 latency. A consumer has rows from the interval it was spawned in
    /// until one interval past its end. The group rows' `lag` is filled in later by `analyze`, from the partition
    /// timeline.
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

    /// Every partition's rows in `bucketMs` intervals from the start of traffic to `finish` (monotonic ns),
    /// partition-major: produced (by intended send time) and first-consumed counts, their running difference as
    /// lag, the stalled time within the interval, and the owner at its end. Only messages produced after the start
    /// of traffic count; ones produced or consumed after `finish` land in the last interval.
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
