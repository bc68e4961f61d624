import Testing

@testable import KafkaBench

/// The model every efficiency figure is measured against, as the runner writes it into the CSV.
@Suite struct ScalingModelTests {
    @Test func windowModelIsLinearUpToTheSlotsThenFlat() {
        #expect(ScalingModel.window(r1: 100, consumers: 3, slots: 10) == 300)
        #expect(ScalingModel.window(r1: 100, consumers: 15, slots: 10) == 1000)
    }

    /// Drain mode: the makespan is set by the consumer with the most partitions, so the model is a staircase.
    @Test func drainModelIsAStaircase() {
        // 10 partitions over 3 consumers: 4, 3, 3; the makespan is 4 partitions' worth: 10/4 = 2.5 consumers' rate
        #expect(ScalingModel.drain(r1: 100, consumers: 3, slots: 10) == 250)
        #expect(ScalingModel.drain(r1: 100, consumers: 4, slots: 10) == 100.0 * 10 / 3)
        #expect(ScalingModel.drain(r1: 100, consumers: 5, slots: 10) == 500)
        #expect(ScalingModel.drain(r1: 100, consumers: 9, slots: 10) == 500)
        #expect(ScalingModel.drain(r1: 100, consumers: 10, slots: 10) == 1000)
    }

    static func result(consumers: Int, partitions: Int, msgsPerS: Double) -> TrialResult {
        var r = TrialResult(point: TrialPoint(partitions: partitions, consumers: consumers, assignor: .range, repeat: 1))
        r.msgsPerS = msgsPerS
        return r
    }

    /// A sweep that starts above one consumer: r1 is the baseline's throughput per model consumer, and the model
    /// equals the measurement at the baseline (efficiency 1.00 there, by construction).
    @Test(arguments: [SweepMode.window, .drain])
    func baselineAboveOneConsumerScalesTheModelFromIt(mode: SweepMode) {
        var c = SweepConfiguration(partitions: [10], consumers: [3, 4, 12])
        c.mode = mode
        let base = Self.result(consumers: 3, partitions: 10, msgsPerS: 2400)
        let r1 = SweepRunner.baselineRate(base, configuration: c)
        #expect(r1 == (mode == .window ? 800 : 960), "window: 2400 / 3; drain: 2400 / 2.5")
        let baseRow = SweepRunner.row(base, r1: r1, baseline: "self", configuration: c, runId: "t", broker: "embedded", librdkafka: "2.0.2", messages: 1)
        #expect(abs(baseRow.efficiency - 1) < 1e-9)
        let four = SweepRunner.row(
            Self.result(consumers: 4, partitions: 10, msgsPerS: 3000), r1: r1, baseline: "C=3", configuration: c,
            runId: "t", broker: "embedded", librdkafka: "2.0.2", messages: 1)
        #expect(four.modelWindow == 4 * r1 && abs(four.modelDrain - r1 * 10 / 3) < 1e-9)
        #expect(abs(four.efficiency - 3000 / (mode == .window ? four.modelWindow : four.modelDrain)) < 1e-9)
        let twelve = SweepRunner.row(
            Self.result(consumers: 12, partitions: 10, msgsPerS: 9000), r1: r1, baseline: "C=3", configuration: c,
            runId: "t", broker: "embedded", librdkafka: "2.0.2", messages: 1)
        #expect(twelve.modelWindow == 10 * r1 && twelve.modelDrain == 10 * r1)
    }
}

/// Point 5 of issue #12: the drain model from the partitions each consumer really held and their real sizes.
@Suite(.serialized, .removesTemporaryFiles) struct DrainModelTests {
    @Test func theLargestConsumerBacklogSetsTheMakespan() {
        #expect(ScalingModel.drain(r1: 100, backlogs: [600, 300, 100]) == 100.0 * 1000 / 600)
        // equal partitions split evenly: the staircase
        #expect(ScalingModel.drain(r1: 100, backlogs: [400, 300, 300]) == ScalingModel.drain(r1: 100, consumers: 3, slots: 10))
        #expect(ScalingModel.drain(r1: 100, backlogs: [0, 0]).isNaN)
        var r = ScalingModelTests.result(consumers: 2, partitions: 4, msgsPerS: 500)
        r.backlogs = ["c01": 900, "c02": 100]
        var c = SweepConfiguration(partitions: [4], consumers: [2])
        c.mode = .drain
        #expect(SweepRunner.baselineRate(r, configuration: c) == 500 / (1000.0 / 900))
        let row = SweepRunner.row(r, r1: 450, baseline: "self", configuration: c, runId: "t", broker: "embedded", librdkafka: "2.0.2", messages: 1000)
        #expect(abs(row.modelDrain - 500) < 1e-9 && abs(row.efficiency - 1) < 1e-9)
    }

    /// A zipf-keyed drain on the embedded broker: with one partition per consumer, the model is r1 × total / the
    /// largest partition, the partition sizes being what murmur2 put there (computed here from the same seed).
    @Test func aSkewedDrainIsModelledFromTheRealPartitionSizes() throws {
        let rows = try SweepTests.sweep(
            { c in
                c.mode = .drain
                c.messages = 1200
                c.keyDistribution = .zipf(1.1)
                c.keys = 1000
            }, partitions: [4], consumers: [1, 4])
        try #require(rows.count == 2 && rows.allSatisfy { $0.status == .ok }, "\(rows.map(\.reason))")
        let plan = SeedPlan(topic: "", partitions: 4, messages: 1200, keys: 1000, distribution: .zipf(1.1), seed: 42)
        let sizes = SeedPlan.partitionCounts(userIds: plan.userIds(), partitions: 4)
        #expect(sizes.reduce(0, +) == 1200)
        let four = rows[1]
        #expect(abs(four.modelDrain - four.r1 * 1200 / Double(sizes.max()!)) < 0.1 + four.r1 * 1e-9, "\(four.modelDrain) vs sizes \(sizes)")
        #expect(sizes.max()! > 300, "the keys are skewed, so the even-split staircase (r1 × 4) would overstate the model")
        #expect(four.modelDrain < four.r1 * 4)
    }
}
