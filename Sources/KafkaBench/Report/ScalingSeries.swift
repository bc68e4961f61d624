/// One consumer count of a series: its trials with status ok aggregated over repeats.
/// Built by `ScalingSeries.group` from CSV rows, of any schema this version reads.
public struct ScalingPoint: Sendable, Equatable {
    /// The consumer count (C).
    public var consumers: Int
    /// Trials with status ok behind this point.
    public var trials: Int
    /// Group events/s over repeats: median, min, max.
    public var throughputMedian: Double
    public var throughputMin: Double
    public var throughputMax: Double
    /// Per-consumer events/s: medians over repeats of each trial's slowest, median and fastest active consumer.
    public var consumerRateMin: Double
    public var consumerRateMedian: Double
    public var consumerRateMax: Double
    /// Fewest and most partitions any consumer held in any repeat.
    public var minPartitionsPerConsumer: Int
    public var maxPartitionsPerConsumer: Int
    /// Most idle consumers (no partitions) in any repeat.
    public var idleConsumers: Int
    /// Messages lost and duplicated, summed over repeats.
    public var lost: Int
    public var duplicates: Int
    /// Median over repeats of measured / model.
    public var efficiency: Double
    /// Median over repeats of the rows' model for the series' mode (drain: from the real assignment and partition
    /// sizes); NaN when the rows carry none.
    public var modelMedian: Double = .nan
    /// Median over repeats of the host's CPU use while measuring, percent of all cores (NaN: not recorded).
    public var hostCpuPct: Double = .nan

    /// Median over repeats of the share of all cores the hypervisor took while measuring, percent (NaN: not
    /// recorded).
    public var hostStealPct: Double = .nan

    /// The host's CPU was saturated at this point (see `HostCPU.hostBoundPercent`).
    public var hostBound: Bool { HostCPU.isHostBound(hostCpuPct) }
    /// The hypervisor took enough of the host's CPU at this point to slow the consumers (see
    /// `HostCPU.stolenPercent`).
    public var stolen: Bool { HostCPU.isStolen(hostStealPct) }
    /// The point measures the host rather than the group: saturated or stolen.
    public var measuresHost: Bool { HostCPU.measuresHost(cpuPct: hostCpuPct, stealPct: hostStealPct) }
}

/// The trials of one sweep line, (work, mode, topics, partitions, assignor), aggregated per consumer count.
/// Built from CSV rows (`group(_:)`) by the report, the comparison and the knee analysis.
public struct ScalingSeries: Sendable, Equatable {
    /// What the trials of a series share.
    /// Values as the CSV writes them, so keys from different files compare equal.
    public struct Key: Hashable, Sendable, Comparable {
        /// The per-message work model, as the CSV writes it.
        public var work: String
        /// "window" or "drain".
        public var mode: String
        /// Topics (T) and partitions per topic (P).
        public var topics: Int
        public var partitions: Int
        /// The assignor's label.
        public var assignor: String

        /// Window series first, then drain; within a mode by work, topics, partitions, assignor.
        public static func < (a: Key, b: Key) -> Bool {
            (a.modeRank, a.mode, a.work, a.topics, a.partitions, a.assignor)
                < (b.modeRank, b.mode, b.work, b.topics, b.partitions, b.assignor)
        }

        /// Window series sort first: window is the headline mode.
        private var modeRank: Int { mode == "window" ? 0 : 1 }
    }

    /// What the series' trials share.
    public var key: Key
    /// Ascending consumer counts; counts where every trial failed are left out.
    public var points: [ScalingPoint]
    /// The single-consumer rate the model scales (median of the rows' r1), events/s; NaN when no baseline succeeded.
    public var r1: Double
    /// The consumer count the model is scaled from: from the rows' `baseline` cells, or (schema 1 files, which
    /// have none) the smallest consumer count, the rule those sweeps used. Nil when no baseline succeeded.
    public var baselineConsumers: Int?
    /// Why there is no model (a `none: …` baseline cell), when there is none.
    public var baselineMissing: String?

    /// P·T: partitions per topic times topics, the most consumers that can hold a partition.
    public var partitionSlots: Int { key.partitions * key.topics }

    /// The model throughput at `consumers`: r1 × min(C, P·T) in window mode, r1·P·T / ceil(P·T / C) in drain mode.
    /// Prefer `modelAt(_:)`, which uses the rows' own model when they carry one.
    public func model(consumers: Int) -> Double {
        ScalingModel.model(key.mode == "drain" ? .drain : .window, r1: r1, consumers: consumers, slots: partitionSlots)
    }

    /// The model at point `p`: the rows' own (real partition sizes in drain mode), else the formula.
    public func modelAt(_ p: ScalingPoint) -> Double { p.modelMedian.isFinite ? p.modelMedian : model(consumers: p.consumers) }

    /// The series in `rows`, from the trials with status ok, in key order.
    public static func group(_ rows: [TrialRow]) -> [ScalingSeries] {
        let ok = rows.filter { $0.status == .ok }
        let byKey = Dictionary(grouping: ok) {
            Key(work: $0.work, mode: $0.mode, topics: $0.topics, partitions: $0.partitions, assignor: $0.assignor)
        }
        return byKey.keys.sorted().map { key in
            let trials = byKey[key]!
            var series = ScalingSeries(key: key, points: [], r1: Statistics.median(trials.map(\.r1)))
            let ks = trials.compactMap { Baseline.consumers(fromCell: $0.baseline, rowConsumers: $0.consumers) }
            if let k = Dictionary(grouping: ks, by: { $0 }).max(by: { ($0.value.count, -$0.key) < ($1.value.count, -$1.key) })?.key {
                series.baselineConsumers = k
            } else if trials.allSatisfy({ $0.baseline.isEmpty }) {
                series.baselineConsumers = trials.map(\.consumers).min()
            }
            if !series.r1.isFinite || series.baselineConsumers == nil {
                series.baselineConsumers = nil
                series.baselineMissing = trials.first { $0.baseline.hasPrefix("none") }?.baseline ?? "no r1 recorded"
            }
            series.points = Dictionary(grouping: trials, by: \.consumers).sorted { $0.key < $1.key }.map { c, t in
                var p = point(consumers: c, trials: t)
                p.modelMedian = Statistics.median(t.map { key.mode == "drain" ? $0.modelDrain : $0.modelWindow })
                if !p.efficiency.isFinite { p.efficiency = p.throughputMedian / series.modelAt(p) }
                return p
            }
            return series
        }
    }

    /// Aggregates one consumer count's ok rows (`t` is never empty). The host CPU and steal medians skip unknown cells.
    private static func point(consumers: Int, trials t: [TrialRow]) -> ScalingPoint {
        let rates = t.map(\.msgsPerS)
        return ScalingPoint(
            consumers: consumers, trials: t.count,
            throughputMedian: Statistics.median(rates), throughputMin: Statistics.minimum(rates),
            throughputMax: Statistics.maximum(rates),
            consumerRateMin: Statistics.median(t.map(\.consumerRateMin)),
            consumerRateMedian: Statistics.median(t.map(\.consumerRateMedian)),
            consumerRateMax: Statistics.median(t.map(\.consumerRateMax)),
            minPartitionsPerConsumer: t.map(\.minPartitionsPerConsumer).min()!,
            maxPartitionsPerConsumer: t.map(\.maxPartitionsPerConsumer).max()!,
            idleConsumers: t.map(\.idleConsumers).max()!,
            lost: t.reduce(0) { $0 + $1.lost }, duplicates: t.reduce(0) { $0 + $1.duplicates },
            efficiency: Statistics.median(t.map(\.efficiency)),
            hostCpuPct: Statistics.median(t.map(\.hostCpuPct).filter(\.isFinite)),
            hostStealPct: Statistics.median(t.map(\.hostStealPct).filter(\.isFinite)))
    }
}
