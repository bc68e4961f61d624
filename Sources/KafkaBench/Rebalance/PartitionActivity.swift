/// What happened on one partition during a rebalance run: every consumption (with the message's production time,
/// known from its intended send time and measured latency) and the stalls — intervals in which a message was
/// available and nobody consumed the partition for longer than `RebalanceAnalysis.stallThresholdNs`.
struct PartitionActivity {
    /// One processing of one message of the partition.
    /// Built from a `RebalanceRecording.Sample`; all times are CLOCK_MONOTONIC ns on the runner's clock.
    struct Consumption {
        /// When its processing ended (monotonic ns).
        var ns: UInt64
        var offset: Int64
        /// When the message was (meant to be) produced: consumption time minus end-to-end latency.
        var producedNs: UInt64
        /// First time this offset was processed (false for a duplicate).
        var first: Bool
    }

    let partition: Int32
    /// Every consumption, in time order.
    private(set) var consumptions: [Consumption] = []
    /// Intervals [start, end) with backlog and no consumption, longer than the threshold.
    private(set) var stalls: [(start: UInt64, end: UInt64)] = []

    /// Builds the partition's story from its samples, which must already be in time order (the analysis sorts them).
    /// A stall is measured from the later of the previous consumption (or `trafficStartNs`) and the next message's
    /// production to that message's consumption, and kept when longer than `thresholdNs`.
    init(partition: Int32, samples: [RebalanceRecording.Sample], trafficStartNs: UInt64, thresholdNs: UInt64) {
        self.partition = partition
        var seen = Set<Int64>()
        for s in samples {
            let latency = s.latencyMicros * 1000
            consumptions.append(
                Consumption(
                    ns: s.ns, offset: s.offset, producedNs: s.ns > latency ? s.ns - latency : s.ns,
                    first: seen.insert(s.offset).inserted))
        }
        var previous = trafficStartNs
        for c in consumptions {
            // the next message was available from max(previous consumption, its production) until now
            let start = max(previous, c.producedNs)
            if c.ns > start, c.ns - start > thresholdNs { stalls.append((start, c.ns)) }
            previous = max(previous, c.ns)
        }
    }

    /// The stalls clipped to [from, to): their lengths in ns (timeline buckets). For an event's window pass
    /// `thresholdNs`: a stall that runs past `to` then counts only when its part inside is itself longer than
    /// that, since one that begins a moment before the next event (the partition's owner killed, its next message
    /// already produced) belongs to that event and would otherwise show here as a stall of a few microseconds.
    func stallLengths(from: UInt64, to: UInt64, thresholdNs: UInt64? = nil) -> [UInt64] {
        stalls.compactMap { s in
            let a = max(s.start, from), b = min(s.end, to)
            guard b > a else { return nil }
            if let thresholdNs, s.end > to, b - a <= thresholdNs { return nil }
            return b - a
        }
    }

    /// Whether every message produced before `producedBefore` had been processed by `ns` (nothing left to consume).
    func caughtUp(at ns: UInt64, producedBefore: UInt64) -> Bool {
        !consumptions.contains { $0.first && $0.producedNs < producedBefore && $0.ns >= ns }
    }

    /// The first consumption at or after `ns` and before `before`.
    func firstConsumption(atOrAfter ns: UInt64, before: UInt64) -> UInt64? {
        consumptions.first { $0.ns >= ns && $0.ns < before }?.ns
    }
}
