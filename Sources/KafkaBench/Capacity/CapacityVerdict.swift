/// Whether a consumer group kept up with an open-loop rate, judged from its lag series:
///
/// - **sustains**: the lag is bounded (over the second half of the run, the floor of the lag, its lowest value in
///   each second, rises by at most 1% of the target rate per second) and the p99 of the worst partition's lag in time after the warm-up is within
///   the bound;
/// - **falls behind**: either fails, with the growth rate and when the lag crossed (or, at its growth, would
///   cross) the bound;
/// - **invalid**: the producers fell behind their schedule (a harness limit, not a consumer result).
public struct CapacityVerdict: Sendable, Equatable {
    /// The verdict's word; the raw value is the CSV's `verdict` cell.
    /// `sustains` and `falls-behind` judge the group; `invalid` and `failed` mean the trial says nothing about it.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// The lag floor's growth stayed within 1% of the rate per second and the p99 lag in time within the bound.
        case sustains
        /// The lag floor grew faster than that, or its p99 in time exceeded the bound.
        case fallsBehind = "falls-behind"
        /// The producers fell behind their schedule (or a delivery failed): the harness was the limit, the trial says
        /// nothing about the group.
        case invalid
        /// The trial cannot be judged: it did not run, its audit found a loss or duplicate, or the group rebalanced
        /// during the traffic. Also what an unknown CSV word reads as.
        case failed
    }

    public var kind: Kind
    /// Why, in a sentence.
    public var reason: String
    /// How fast the group's lag floor rises over the second half of the run (messages per second; see
    /// `floorGrowth`).
    public var growthPerSecond: Double
    /// The same slope for the partition whose lag grew fastest, and that partition.
    public var worstPartitionGrowth: Double
    public var worstPartition: Int
    /// Group lag in messages: at the end, and the most.
    public var lagMessagesEnd: Int
    public var lagMessagesMax: Int
    /// Lag in time of the worst partition after the warm-up: p50, p99 and max (seconds).
    public var lagSecondsP50: Double
    public var lagSecondsP99: Double
    public var lagSecondsMax: Double
    /// Seconds from the traffic's start when the worst partition's lag in time first exceeded the bound, or, when
    /// it never did but grows, when it would at its current growth; nil when neither.
    public var crossesBoundAt: Double?
    /// Whether `crossesBoundAt` is a projection rather than an observation.
    public var crossingProjected: Bool

    /// Judges `series` against `rate` (events/s) and `maxLagSeconds`, leaving out samples before `warmupSeconds`.
    public static func judge(_ series: LagSeries, rate: Double, maxLagSeconds: Double, warmupSeconds: Double) -> CapacityVerdict {
        let group = series.group
        let end = group.last?.t ?? 0
        let measured = group.filter { $0.t >= warmupSeconds }
        let secondHalf = group.filter { $0.t >= max(warmupSeconds, end / 2) }
        let growth = floorGrowth(secondHalf)
        var worstGrowth = -Double.infinity, worst = 0
        for (p, partition) in series.partitions.enumerated() {
            let g = floorGrowth(partition.filter { $0.t >= max(warmupSeconds, end / 2) })
            if g > worstGrowth { worstGrowth = g; worst = p }
        }
        let ages = measured.map(\.lagSeconds).sorted()
        var v = CapacityVerdict(
            kind: .sustains, reason: "", growthPerSecond: growth, worstPartitionGrowth: worstGrowth.isFinite ? worstGrowth : 0, worstPartition: worst,
            lagMessagesEnd: group.last?.lagMessages ?? 0, lagMessagesMax: group.map(\.lagMessages).max() ?? 0,
            lagSecondsP50: nearestRank(ages, 0.50), lagSecondsP99: nearestRank(ages, 0.99), lagSecondsMax: ages.last ?? 0,
            crossesBoundAt: nil, crossingProjected: false)
        let limit = CapacityConfiguration.growthTolerance * rate
        // the crossing, like the percentiles, is looked for after the warm-up (the group's first fetches)
        if let first = measured.first(where: { $0.lagSeconds > maxLagSeconds }) {
            v.crossesBoundAt = first.t
        } else if growth > limit {
            let ageGrowth = slope(secondHalf.map { ($0.t, $0.lagSeconds) })
            if ageGrowth > 0, let last = group.last {
                v.crossesBoundAt = last.t + (maxLagSeconds - last.lagSeconds) / ageGrowth
                v.crossingProjected = true
            }
        }
        let bound = String(format: "%g s", maxLagSeconds)
        // the reason quotes the figures as the CSV stores them (growth to 0.1 events/s, lag to 1 ms), so that a
        // summary rounding the stored figure and the reason agree
        let growthText = String(Int(((growth * 10).rounded() / 10).rounded()))
        let p99Text = String(format: "%.2f", (v.lagSecondsP99 * 1000).rounded() / 1000)
        if growth > limit {
            v.kind = .fallsBehind
            v.reason = "lag grows \(growthText) events/s (above 1% of the rate, \(Int(limit.rounded())) events/s)"
            if let at = v.crossesBoundAt {
                v.reason +=
                    v.crossingProjected ? "; would exceed \(bound) at about \(Int(at.rounded())) s" : "; exceeded \(bound) at \(String(format: "%.1f", at)) s"
            }
        } else if v.lagSecondsP99 > maxLagSeconds {
            v.kind = .fallsBehind
            v.reason = "lag bounded but its p99 \(p99Text) s is above \(bound)"
        } else {
            v.reason = "lag bounded (growth \(growthText) events/s), p99 \(p99Text) s within \(bound)"
        }
        return v
    }

    /// How fast the lag's floor rises: the least-squares slope of the lowest lag (messages) in each whole second,
    /// each taken at the moment it was sampled.
    /// A group that keeps up returns to a small lag after every hiccup (a stall, a slow fetch), so its floor stays
    /// flat however high a spike went; a group that falls behind never catches up, and its floor rises at the rate
    /// it falls behind. The slope of every sample would mistake a late spike for growth.
    static func floorGrowth(_ samples: [LagSeries.Sample]) -> Double {
        var minima: [(Double, Double)] = []
        var second = -1
        for s in samples {
            let k = Int((s.t - 1e-9).rounded(.down))
            if k != second {
                minima.append((s.t, Double(s.lagMessages)))
                second = k
            } else if Double(s.lagMessages) < minima[minima.count - 1].1 {
                minima[minima.count - 1] = (s.t, Double(s.lagMessages))
            }
        }
        return slope(minima)
    }

    /// Least-squares slope of y against x (0 for fewer than two points).
    static func slope(_ points: [(Double, Double)]) -> Double {
        guard points.count >= 2 else { return 0 }
        let n = Double(points.count)
        let mx = points.reduce(0) { $0 + $1.0 } / n
        let my = points.reduce(0) { $0 + $1.1 } / n
        var sxy = 0.0, sxx = 0.0
        for (x, y) in points {
            sxy += (x - mx) * (y - my)
            sxx += (x - mx) * (x - mx)
        }
        return sxx > 0 ? sxy / sxx : 0
    }

    /// Nearest-rank percentile of sorted values (0 for none).
    static func nearestRank(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((q * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count - 1, max(0, rank - 1))]
    }
}
