/// A series from its knee on, where adding consumers no longer gains: reported as a plateau (the median of its
/// points and their range), not as the single highest point, which on a flat stretch is only the luckiest run.
/// Computed from the series' per-point medians and ranges, never from single trials.
public struct Plateau: Sendable, Equatable {
    /// The knee and the largest consumer count swept.
    public var fromConsumers: Int
    public var toConsumers: Int
    /// Median of the plateau points' median events/s, and the lowest and highest of those medians.
    public var median: Double
    public var low: Double
    public var high: Double
    /// Fewest ok trials behind any plateau point (1: noise cannot be told apart from real differences).
    public var repeats: Int
    /// The plateau's best point, only when it stands above the rest beyond the repeats' spread: its slowest
    /// repeat beat the fastest repeat of every other plateau point (needs ≥ 2 repeats).
    public var peak: ScalingPoint?

    /// The plateau of `series` from `knee` consumers on; nil when fewer than two points lie there.
    public init?(_ series: ScalingSeries, knee: Int) {
        let points = series.points.filter { $0.consumers >= knee && $0.throughputMedian.isFinite }
        guard points.count >= 2, let first = points.first, let last = points.last else { return nil }
        let medians = points.map(\.throughputMedian)
        fromConsumers = first.consumers
        toConsumers = last.consumers
        median = Statistics.median(medians)
        low = medians.min()!
        high = medians.max()!
        repeats = points.map(\.trials).min()!
        let best = points.max { $0.throughputMedian < $1.throughputMedian }!
        let othersHigh = points.filter { $0.consumers != best.consumers }.map(\.throughputMax).max() ?? .infinity
        peak = repeats >= 2 && best.throughputMin > othersHigh ? best : nil
    }

    /// Whether the runs behind the plateau can separate noise from differences between its points.
    public var noiseSeparable: Bool { repeats >= 2 }

    /// The note for a sweep with one run per point.
    public static let singleRunNote = "one run per point: noise cannot be separated from differences between points (use --repeat 3)"
}
