import Testing

@testable import KafkaBench

@Suite struct ReportKneeTests {
    func samples(_ values: [Double]) -> [(consumers: Int, throughput: Double)] {
        values.enumerated().map { (consumers: $0.offset + 1, throughput: $0.element) }
    }

    @Test func linearThenFlatKneesAtThePartitionCount() {
        #expect(Knee.consumers(in: samples((1...15).map { 950 * Double(min($0, 10)) })) == 10)
        // noise on the plateau does not move it
        #expect(Knee.consumers(in: samples([1, 2, 3, 4, 4.1, 3.9, 4.15, 4.0])) == 4)
    }

    @Test func stillRisingHasNoKnee() {
        #expect(Knee.consumers(in: samples([1, 2, 3, 4, 5])) == nil)
        #expect(Knee.consumers(in: samples([1])) == nil)
        #expect(Knee.consumers(in: []) == nil)
    }

    @Test func aLaterRiseBeyondFivePercentPushesTheKneeOut() {
        // a dip, then growth again: the first flat stretch is not the knee
        #expect(Knee.consumers(in: samples([1, 2, 2.02, 2.03, 3, 4, 4.05])) == 6)
    }

    @Test func partitionBound() throws {
        let series = try #require(ScalingSeries.group(ReportFixtures.linearThenFlat()).first)
        let knee = try #require(Knee.detect(in: series, meta: RunMetadata.Recorded(hostCores: 2)))
        #expect(knee.consumers == 10 && knee.bound == .partitions)
    }

    @Test func cpuBound() throws {
        let rows = ReportFixtures.sweep(work: "spin:1ms") { 950 * Double(min($0, 2)) }
        let series = try #require(ScalingSeries.group(rows).first)
        let knee = try #require(Knee.detect(in: series, meta: RunMetadata.Recorded(hostCores: 2)))
        #expect(knee.consumers == 2 && knee.bound == .cpuCores)
        // the same curve without CPU-bound work is the broker's limit
        let plain = try #require(ScalingSeries.group(ReportFixtures.sweep { 950 * Double(min($0, 2)) }).first)
        #expect(Knee.detect(in: plain, meta: RunMetadata.Recorded(hostCores: 2))?.bound == .broker)
    }

    @Test func skewedKeys() throws {
        let rows = ReportFixtures.sweep { 950 * Double(min($0, 3)) }
        let series = try #require(ScalingSeries.group(rows).first)
        let zipf = try #require(Knee.detect(in: series, meta: RunMetadata.Recorded(keyDistribution: "zipf:1.2")))
        #expect(zipf.consumers == 3 && zipf.bound == .keySkew)
        // uniform keys but one consumer far busier than the rest: a hot partition too
        let uneven = rows.map { r in
            var r = r
            r.consumerRateMin = r.consumerRateMedian * 0.2
            r.consumerRateMax = r.consumerRateMedian * 2.5
            return r
        }
        let unevenSeries = try #require(ScalingSeries.group(uneven).first)
        #expect(Knee.detect(in: unevenSeries, meta: RunMetadata.Recorded())?.bound == .keySkew)
    }

    @Test func boundRules() {
        #expect(Knee.bound(knee: 9, partitionSlots: 10, work: "none", hostCores: 2, keysSkewed: false, rateSpread: 0) == .partitions)
        #expect(Knee.bound(knee: 4, partitionSlots: 10, work: "spin:200us", hostCores: 4, keysSkewed: false, rateSpread: 0) == .cpuCores)
        #expect(Knee.bound(knee: 4, partitionSlots: 10, work: "spin:200us", hostCores: nil, keysSkewed: false, rateSpread: 0) == .broker)
        #expect(Knee.bound(knee: 4, partitionSlots: 10, work: "sleep:1ms", hostCores: 4, keysSkewed: false, rateSpread: 0.1) == .broker)
        #expect(Knee.bound(knee: 4, partitionSlots: 10, work: "none", hostCores: 4, keysSkewed: false, rateSpread: 0.7) == .keySkew)
    }

    @Test func seriesAggregateRepeatsAndSkipFailedTrials() throws {
        var rows = ReportFixtures.sweep(maxConsumers: 3, assignors: ["range"]) { 1000 * Double($0) }
        rows.append(ReportFixtures.row(consumers: 3, repeat: 4, msgsPerS: 99_999, status: .failed, reason: "timeout"))
        let series = try #require(ScalingSeries.group(rows).first)
        let p3 = try #require(series.points.last)
        #expect(p3.consumers == 3 && p3.trials == 3)
        #expect(p3.throughputMedian == 3000 && p3.throughputMin == 2940 && p3.throughputMax == 3060)
        #expect(series.model(consumers: 15) == 950 * 10)
    }

    @Test func drainModelIsAStaircase() {
        let s = ScalingSeries(key: .init(work: "none", mode: "drain", topics: 1, partitions: 10, assignor: "range"), points: [], r1: 100)
        #expect([1, 2, 3, 4, 5, 9, 10, 12].map { s.model(consumers: $0) } == [100, 200, 250, 1000 / 3, 500, 500, 1000, 1000])
    }
}
