/// Lag over time in one capacity trial, every 100 ms from the start of the traffic, per partition and for the
/// group, built after the trial from what the processes reported:
///
/// - the producers' checkpoints map offsets to intended send times ((offset, intended) pairs per partition);
/// - the consumers' positions say how far each partition was consumed at each moment.
///
/// At time t, a partition's *produced* count is the number of its events intended at or before t (an event a
/// late producer has not sent yet still counts: open loop), *consumed* is its position, *lag* is the
/// difference, and *lag in time* is the age of its oldest unconsumed event (t minus that event's intended
/// time). Between checkpoints, intended times are interpolated linearly (checkpoints are at most 50 ms apart
/// per producer). The group's lag is the sum over partitions; its lag in time is the worst partition's.
public struct LagSeries: Sendable {
    /// The sampling step, 100 ms in ns; sample k is taken at the start plus k steps (k from 1).
    public static let stepNs: UInt64 = 100_000_000

    /// One sample: seconds from the start of the traffic, counts, and lag.
    /// Counts are messages; times are seconds.
    public struct Sample: Sendable, Equatable {
        /// Seconds from the start of the traffic (0.1, 0.2, …).
        /// Written to the trial's `X-timeseries.csv` as `t_s`, with 1 decimal.
        public var t: Double
        /// Events intended by `t` (sent or not: open loop).
        public var produced: Int
        /// Events consumed by `t` (the position less the first offset).
        public var consumed: Int
        /// `produced − consumed`, never below 0.
        /// Written as `lag_msgs`.
        public var lagMessages: Int
        /// Age of the oldest unconsumed event at `t`, seconds; 0 without lag, or when its intended time is unknown (no
        /// checkpoint reaches it yet).
        /// Written as `lag_s`, with 3 decimals.
        public var lagSeconds: Double
    }

    /// Per partition (index = partition), one sample per step.
    public let partitions: [[Sample]]
    /// The group: produced, consumed and lag summed; lag in time of the worst partition.
    public let group: [Sample]

    /// - Parameters:
    ///   - checkpoints: per partition, (offset, intended CLOCK_MONOTONIC ns) of delivered events, any order.
    ///   - positions: per partition, (CLOCK_MONOTONIC ns, next offset to consume), any order.
    ///   - firstOffsets: per partition, the offset the trial's traffic starts at (0 on a fresh topic).
    public init(
        startNs: UInt64, durationNs: UInt64, partitionCount: Int, checkpoints: [Int32: [(offset: Int64, intendedNs: UInt64)]],
        positions: [Int32: [(ns: UInt64, next: Int64)]], firstOffsets: [Int32: Int64] = [:]
    ) {
        let steps = Int(durationNs / Self.stepNs)
        var perPartition: [[Sample]] = []
        for p in 0..<partitionCount {
            let map = OffsetSchedule(checkpoints[Int32(p)] ?? [], firstOffset: firstOffsets[Int32(p)] ?? 0, startNs: startNs)
            let moves = (positions[Int32(p)] ?? []).sorted { $0.ns < $1.ns }
            var samples: [Sample] = []
            samples.reserveCapacity(steps)
            var k = 0
            var position = firstOffsets[Int32(p)] ?? 0
            for step in 1...max(1, steps) {
                let t = startNs + UInt64(step) * Self.stepNs
                while k < moves.count && moves[k].ns <= t {
                    position = max(position, moves[k].next)
                    k += 1
                }
                let produced = map.count(intendedBy: t)
                let consumed = Int(position - map.firstOffset)
                let lag = max(0, produced - consumed)
                var age = 0.0
                if lag > 0, let intended = map.intended(offset: position) {
                    age = t > intended ? Double(t - intended) / 1e9 : 0
                }
                samples.append(Sample(t: Double(step) * Double(Self.stepNs) / 1e9, produced: produced, consumed: consumed, lagMessages: lag, lagSeconds: age))
            }
            perPartition.append(samples)
        }
        partitions = perPartition
        group = (0..<(perPartition.first?.count ?? 0)).map { i in
            var s = Sample(t: perPartition[0][i].t, produced: 0, consumed: 0, lagMessages: 0, lagSeconds: 0)
            for series in perPartition {
                s.produced += series[i].produced
                s.consumed += series[i].consumed
                s.lagMessages += series[i].lagMessages
                s.lagSeconds = max(s.lagSeconds, series[i].lagSeconds)
            }
            return s
        }
    }
}

/// One partition's offsets against their events' intended times, from delivery checkpoints.
/// Built once per partition by `LagSeries.init`; a pure value.
struct OffsetSchedule {
    /// Checkpoints sorted by offset, with intended times made non-decreasing (several producers' events
    /// interleave in a partition; their intended times differ by less than the report interval).
    private var offsets: [Int64] = []
    private var intendeds: [UInt64] = []
    /// The partition's first offset of the trial's traffic: counts are relative to it.
    let firstOffset: Int64
    /// The traffic's start: the intended time assumed before the first checkpoint.
    private let startNs: UInt64

    /// Sorts the checkpoints by offset, drops repeats and those before `firstOffset`, and makes intended times
    /// non-decreasing.
    init(_ checkpoints: [(offset: Int64, intendedNs: UInt64)], firstOffset: Int64, startNs: UInt64) {
        self.firstOffset = firstOffset
        self.startNs = startNs
        var latest: UInt64 = 0
        for c in checkpoints.sorted(by: { $0.offset < $1.offset }) where c.offset >= firstOffset {
            if let last = offsets.last, last == c.offset { continue }
            latest = max(latest, c.intendedNs)
            offsets.append(c.offset)
            intendeds.append(latest)
        }
    }

    /// Events intended at or before `t`.
    func count(intendedBy t: UInt64) -> Int {
        // the last checkpoint intended at or before t
        var lo = 0, hi = intendeds.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if intendeds[mid] <= t { lo = mid + 1 } else { hi = mid }
        }
        let prevOffset = lo > 0 ? offsets[lo - 1] : firstOffset - 1
        let prevT = lo > 0 ? intendeds[lo - 1] : startNs
        guard lo < offsets.count else { return Int(prevOffset - firstOffset + 1) }
        let span = Double(intendeds[lo]) - Double(prevT)
        let fraction = span > 0 ? max(0, Double(t) - Double(prevT)) / span : 0
        let between = Double(offsets[lo] - prevOffset - 1) * min(1, fraction)
        return Int(prevOffset - firstOffset + 1) + Int(between.rounded(.down))
    }

    /// The intended time of the event at `offset`; nil when no checkpoint reaches it (not delivered yet).
    func intended(offset: Int64) -> UInt64? {
        var lo = 0, hi = offsets.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if offsets[mid] < offset { lo = mid + 1 } else { hi = mid }
        }
        guard lo < offsets.count else { return nil }
        if offsets[lo] == offset { return intendeds[lo] }
        let prevOffset = lo > 0 ? offsets[lo - 1] : firstOffset - 1
        let prevT = lo > 0 ? intendeds[lo - 1] : startNs
        let fraction = Double(offset - prevOffset) / Double(offsets[lo] - prevOffset)
        return prevT + UInt64(max(0, (Double(intendeds[lo]) - Double(prevT)) * fraction))
    }
}
