/// What stops a consumer group from scaling further.
public enum ScalingBound: String, Sendable, Equatable, CaseIterable {
    /// Every partition has a consumer: consumers beyond P·T sit idle.
    case partitions = "partitions"
    /// The assignor, not the partitions: with no more consumers than partitions (C ≤ P·T) it left consumers idle,
    /// or gave one consumer more than an even split's ceil(P·T / C) partitions, so added consumers got no work.
    case assignment = "assignment (idle or overloaded consumers)"
    /// CPU-bound work (spin) has used every core of the host (inferred from the work and the core count, for
    /// runs that did not record the host's CPU use).
    case cpuCores = "CPU cores"
    /// The host's CPU was saturated at the knee (measured: `host_cpu_pct` ≥ `HostCPU.hostBoundPercent`).
    case hostCPU = "host CPU (saturated)"
    /// One hot partition carries most messages; its single consumer caps the group.
    case keySkew = "key skew (hot partition)"
    /// None of the above: the broker (or the path to it) delivers no faster.
    case broker = "broker"
}

/// Where a series stops scaling: the smallest consumer count after which adding consumers gains less than 5%.
public struct Knee: Sendable, Equatable {
    public var consumers: Int
    /// Median events/s at the knee.
    public var throughput: Double
    public var bound: ScalingBound

    public init(consumers: Int, throughput: Double, bound: ScalingBound) {
        self.consumers = consumers; self.throughput = throughput; self.bound = bound
    }

    /// Below this relative gain, more consumers do not count as scaling.
    public static let minimumGain = 0.05

    /// The smallest consumer count whose median throughput no larger count beats by `minimumGain` or more.
    ///
    /// Nil when that is the largest count swept (throughput may still be rising) or there are fewer than two counts.
    public static func consumers(in samples: [(consumers: Int, throughput: Double)]) -> Int? {
        let s = samples.filter { $0.throughput.isFinite }.sorted { $0.consumers < $1.consumers }
        guard s.count >= 2 else { return nil }
        var bestAfter = -Double.infinity
        var knee: Int? = nil
        for i in stride(from: s.count - 2, through: 0, by: -1) {
            bestAfter = max(bestAfter, s[i + 1].throughput)
            if bestAfter < s[i].throughput * (1 + minimumGain) { knee = s[i].consumers }
        }
        return knee
    }

    /// What the knee at `knee` consumers ran into.
    ///
    /// - partitionSlots: P·T. - work: the trials' work model (`spin:…` is CPU-bound).
    /// - hostCores: cores of the host that ran the consumers, if known. - keysSkewed: Zipf-distributed keys.
    /// - rateSpread: 1 − slowest / fastest per-consumer rate at the knee (0 = even, near 1 = one consumer does all).
    /// - hostBound: the host's CPU was measured saturated at the knee.
    /// - unevenAssignment: the consumer count after the knee (still ≤ P·T) had idle or overloaded consumers.
    public static func bound(
        knee: Int, partitionSlots: Int, work: String, hostCores: Int?, keysSkewed: Bool,
        rateSpread: Double, hostBound: Bool = false, unevenAssignment: Bool = false
    ) -> ScalingBound {
        let slack = max(1, partitionSlots / 10)
        if knee >= partitionSlots - slack && !unevenAssignment { return .partitions }
        if unevenAssignment { return .assignment }
        if hostBound { return .hostCPU }
        if work.lowercased().hasPrefix("spin"), let cores = hostCores, abs(knee - cores) <= max(1, cores / 4) {
            return .cpuCores
        }
        if keysSkewed || rateSpread >= 0.5 { return .keySkew }
        return .broker
    }

    /// Whether the assignment at `p` fell short of an even split although there were enough partitions: idle
    /// consumers while C ≤ P·T, or a consumer holding more than ceil(P·T / C) partitions.
    public static func unevenAssignment(_ p: ScalingPoint, partitionSlots: Int) -> Bool {
        guard p.consumers <= partitionSlots, p.consumers > 0 else { return false }
        let even = (partitionSlots + p.consumers - 1) / p.consumers
        return p.idleConsumers > 0 || p.maxPartitionsPerConsumer > even
    }

    /// The knee of `series` and its bound, or nil when the series never stops gaining.
    public static func detect(in series: ScalingSeries, meta: RunMetadata.Recorded) -> Knee? {
        let samples = series.points.map { (consumers: $0.consumers, throughput: $0.throughputMedian) }
        guard let c = consumers(in: samples), let p = series.points.first(where: { $0.consumers == c }) else { return nil }
        let spread = p.consumerRateMax > 0 && p.consumerRateMin.isFinite ? 1 - p.consumerRateMin / p.consumerRateMax : 0
        let bound = bound(
            knee: c, partitionSlots: series.partitionSlots, work: meta.work ?? series.key.work,
            hostCores: meta.hostCores, keysSkewed: meta.keysSkewed, rateSpread: spread, hostBound: p.hostBound,
            unevenAssignment: series.points.first { $0.consumers > c }.map { unevenAssignment($0, partitionSlots: series.partitionSlots) } ?? false)
        return Knee(consumers: c, throughput: p.throughputMedian, bound: bound)
    }
}
