import Testing

@testable import KafkaBench

/// The capacity run's pure parts: the lag series built from checkpoints and positions, the verdict, the model
/// and the rate search.
@Suite struct CapacityModelTests {
    /// One partition produced at `rate` from t = 0 (checkpoints every 50 ms) and consumed at `consumedRate`
    /// (positions every 20 ms), for `seconds`.
    static func series(rate: Double, consumedRate: Double, seconds: Double, partitions: Int = 1) -> LagSeries {
        let start: UInt64 = 1_000_000_000
        var checkpoints: [Int32: [(offset: Int64, intendedNs: UInt64)]] = [:]
        var positions: [Int32: [(ns: UInt64, next: Int64)]] = [:]
        let perPartition = rate / Double(partitions)
        for p in 0..<partitions {
            var t = 0.05
            while t <= seconds + 0.5 {
                let offset = Int64(t * perPartition) - 1
                if offset >= 0 { checkpoints[Int32(p), default: []].append((offset, start + UInt64(Double(offset) / perPartition * 1e9))) }
                t += 0.05
            }
            t = 0.02
            while t <= seconds {
                let next = Int64(min(t * consumedRate / Double(partitions), t * perPartition))
                positions[Int32(p), default: []].append((start + UInt64(t * 1e9), next))
                t += 0.02
            }
        }
        return LagSeries(
            startNs: start, durationNs: UInt64(seconds * 1e9), partitionCount: partitions, checkpoints: checkpoints, positions: positions)
    }

    @Test func aGroupThatKeepsUpHasNoLag() {
        let s = Self.series(rate: 1000, consumedRate: 5000, seconds: 10, partitions: 2)
        #expect(s.group.count == 100)
        #expect(s.group.last!.produced >= 9_950 && s.group.last!.produced <= 10_000, "\(s.group.last!)")
        #expect(s.group.allSatisfy { $0.lagMessages <= 40 && $0.lagSeconds <= 0.05 }, "\(s.group.map(\.lagMessages).max()!)")
        let v = CapacityVerdict.judge(s, rate: 1000, maxLagSeconds: 1, warmupSeconds: 2)
        #expect(v.kind == .sustains, "\(v)")
    }

    /// Consuming at half the rate, the lag grows by half the rate per second and the lag in time by half a
    /// second per second; the bound is crossed when the age reaches it.
    @Test func aGroupAtHalfTheRateFallsBehindAtHalfTheRate() {
        let s = Self.series(rate: 1000, consumedRate: 500, seconds: 10)
        let last = s.group.last!
        #expect(abs(Double(last.lagMessages) - 5000) < 60, "\(last)")
        #expect(abs(last.lagSeconds - 5) < 0.1, "\(last)")
        let v = CapacityVerdict.judge(s, rate: 1000, maxLagSeconds: 2, warmupSeconds: 1)
        #expect(v.kind == .fallsBehind)
        #expect(abs(v.growthPerSecond - 500) < 15, "\(v.growthPerSecond)")
        #expect(v.crossesBoundAt.map { abs($0 - 4) < 0.25 } == true, "\(String(describing: v.crossesBoundAt))")
        #expect(!v.crossingProjected)
    }

    /// Slightly too slow and still under the bound at the end: falls behind, and the crossing is projected.
    @Test func slowGrowthIsProjectedToTheBound() {
        let s = Self.series(rate: 1000, consumedRate: 900, seconds: 10)
        let v = CapacityVerdict.judge(s, rate: 1000, maxLagSeconds: 5, warmupSeconds: 1)
        #expect(v.kind == .fallsBehind)
        #expect(v.crossingProjected)
        // the age grows 0.1 s per second from 0: 5 s at about 50 s
        #expect(v.crossesBoundAt.map { abs($0 - 50) < 5 } == true, "\(String(describing: v.crossesBoundAt))")
    }

    @Test func theModelCountsPartitionsPerConsumer() {
        let m = CapacityModel(rate: 5000, r1: 910, partitions: 10)
        #expect(m.evenSplitConsumers == 6)
        // 500 events/s per partition: a consumer can hold only one partition (910 < 2 × 500)
        #expect(m.consumersForPartitions == 10)
        #expect(m.partitionsForEvenSplit == 12)
        #expect(CapacityModel(rate: 5000, r1: 910, partitions: 12).consumersForPartitions == 6)
        #expect(CapacityModel(rate: 20_000, r1: 910, partitions: 10).consumersForPartitions == nil)
        #expect(abs(CapacityModel.assignmentRate(r1: 900, partitions: 10, maxPartitions: 3) - 3000) < 1e-9)
    }

    /// A simulated group that sustains rates up to `capacity`; `noise` flips the outcome of chosen steps.
    static func search(capacity: Double, start: Double, flip: Set<Int> = []) -> RateSearch {
        var s = RateSearch(start: start)
        var step = 0
        while let next = s.next {
            step += 1
            var sustains = next.rate <= capacity
            if flip.contains(step) { sustains.toggle() }
            s.record(sustains ? .sustains : .fallsBehind)
        }
        return s
    }

    @Test(arguments: [(3000.0, 3000.0), (3000.0, 1000.0), (3000.0, 9000.0), (910.0, 910.0)])
    func theSearchEndsWithinFivePercentOfTheCapacity(capacity: Double, start: Double) {
        let s = Self.search(capacity: capacity, start: start)
        let answer = s.answer
        #expect(answer != nil, "\(s.steps)")
        #expect(answer! <= capacity && answer! >= capacity * 0.95 * 0.99, "\(answer!) for \(capacity): \(s.steps)")
        #expect(s.steps.count <= RateSearch.maxSteps)
        #expect(s.steps.filter { $0.role.hasPrefix("confirm") }.count >= 1)
    }

    /// The first step is wrong (a noisy trial says 3,000 falls behind when 3,300 is sustainable): the repeat of
    /// the bracket's high end sustains, and the search climbs back to the real capacity.
    @Test func aNoisyFirstStepDoesNotSteerTheAnswer() {
        let s = Self.search(capacity: 3300, start: 3000, flip: [1])
        #expect(s.answer.map { $0 >= 3300 * 0.94 && $0 <= 3300 } == true, "\(String(describing: s.answer)): \(s.steps)")
    }

    /// At the capacity's edge one rate gives either outcome (seen in a real run at r1: falls behind, sustains,
    /// falls behind). Its majority decides, the rate below that sustained twice stays the answer, and the search
    /// ends without starting over.
    @Test func aRateThatFlipsAtTheEdgeIsDecidedByItsMajority() {
        var s = RateSearch(start: 920)
        var atEdge = [CapacityVerdict.Kind.fallsBehind, .sustains, .fallsBehind, .sustains]
        while let next = s.next {
            let outcome: CapacityVerdict.Kind = next.rate < 910 ? .sustains : next.rate > 930 ? .fallsBehind : atEdge.removeFirst()
            s.record(outcome)
        }
        #expect(s.answer != nil && s.answer! >= 874 && s.answer! < 920, "\(s.steps)")
        #expect(s.high == 920, "\(s.steps)")
        #expect(s.steps.count <= 10, "\(s.steps)")
    }

    /// The report replays the rows as the search judged them.
    @Test func theReportReadsTheSearchFromItsRows() {
        var rows: [CapacityRow] = []
        for (rate, role, verdict) in [
            (920.0, "bracket", CapacityVerdict.Kind.fallsBehind), (736, "bracket", .sustains), (828, "bisect", .sustains), (874, "bisect", .sustains),
            (897, "bisect", .sustains), (897, "confirm-low", .sustains), (920, "confirm-high", .sustains), (920, "repeat", .fallsBehind),
        ] {
            var r = CapacityRow()
            r.consumers = 1; r.targetRate = rate; r.search = role; r.verdict = verdict
            rows.append(r)
        }
        let result = CapacityReport.searchResults(rows)
        #expect(result == [CapacityReport.SearchResult(consumers: 1, sustained: 897, confirmed: true, fellBehindAt: 920)])
    }

    /// Rates the producers cannot hold are not searched again: the ceiling drops below them.
    @Test func anInvalidStepLowersTheCeiling() {
        var s = RateSearch(start: 10_000)
        s.record(.invalid)
        #expect(s.ceiling < 10_000)
        #expect(s.next.map { $0.rate < 10_000 } == true)
    }
}

/// A group that keeps up but stalls once, late in the run (a slow fetch, a busy host), has a lag spike and
/// recovers: its lag is bounded, and the verdict must not call the spike growth.
@Suite struct CapacityVerdictSpikeTests {
    /// 1000 events/s for `seconds` s, consumed as it comes (catching up at most 60 events per 20 ms) except that
    /// nothing is consumed while the time is in `stall`.
    static func stalledSeries(seconds: Int, stall: Range<Double>) -> LagSeries {
        let start: UInt64 = 1_000_000_000
        var checkpoints: [Int32: [(offset: Int64, intendedNs: UInt64)]] = [:]
        var positions: [Int32: [(ns: UInt64, next: Int64)]] = [:]
        for k in 1...(seconds * 20) {  // checkpoints every 50 ms
            checkpoints[0, default: []].append((Int64(k * 50 - 1), start + UInt64(k * 50 - 1) * 1_000_000))
        }
        var next: Int64 = 0
        for k in 1...(seconds * 50) {  // positions every 20 ms
            let t = Double(k) * 0.02
            let due = Int64(t * 1000) - 5
            if !stall.contains(t) { next = max(next, min(due, next + 60)) }
            positions[0, default: []].append((start + UInt64(t * 1e9), next))
        }
        return LagSeries(
            startNs: start, durationNs: UInt64(seconds) * 1_000_000_000, partitionCount: 1, checkpoints: checkpoints, positions: positions)
    }

    @Test func aRecoveredSpikeIsNotGrowth() {
        let s = Self.stalledSeries(seconds: 12, stall: 9.0..<9.8)  // then a fast catch-up
        #expect(s.group.map(\.lagMessages).max()! > 700, "the spike is there")
        let v = CapacityVerdict.judge(s, rate: 1000, maxLagSeconds: 2, warmupSeconds: 2)
        #expect(v.kind == .sustains, "\(v)")
        #expect(CapacityVerdict.slope(s.group.filter { $0.t >= 6 }.map { ($0.t, Double($0.lagMessages)) }) > 10, "a plain slope would call it growth")
    }

    /// A stall inside the warm-up (the group's first fetches) is left out of the verdict: the trial sustains, and it
    /// records no crossing of the bound, as it records no warm-up sample in its percentiles.
    @Test func aWarmUpStallRecordsNoCrossing() {
        // nothing consumed from 0.4 to 2.0 s (lag age 1.6 s), caught up well before the 3 s warm-up ends
        let s = Self.stalledSeries(seconds: 10, stall: 0.4..<2.0)
        #expect(s.group.contains { $0.t < 3 && $0.lagSeconds > 1 }, "the warm-up stall is there")
        let v = CapacityVerdict.judge(s, rate: 1000, maxLagSeconds: 1, warmupSeconds: 3)
        #expect(v.kind == .sustains && v.crossesBoundAt == nil, "\(v)")
    }
}
