import Testing

@testable import KafkaBench

@Suite struct VerificationTests {
    static let tp = TopicPartition("t", 0)

    static func audit(_ offsets: [Int64]) -> PartitionAuditReport {
        var a = PartitionAudit()
        for o in offsets { a.record(o) }
        return a.report(tp)
    }

    @Test func contiguousOffsetsVerifyClean() {
        let v = Verification.verify(audits: [("c01", Self.audit(Array(0..<100)))], lowWatermarks: [Self.tp: 0])
        #expect(v.lost == 0)
        #expect(v.duplicates == 0)
        #expect(v.consumed == 100)
        #expect(v.problems.isEmpty)
    }

    @Test func injectedGapIsALostMessage() {
        var offsets = Array(Int64(0)..<100)
        offsets.remove(at: 42)
        let v = Verification.verify(audits: [("c01", Self.audit(offsets))], lowWatermarks: [Self.tp: 0])
        #expect(v.lost == 1)
        #expect(v.duplicates == 0)
    }

    @Test func injectedDuplicateIsCounted() {
        var offsets = Array(Int64(0)..<100)
        offsets.insert(41, at: 50)
        let v = Verification.verify(audits: [("c01", Self.audit(offsets))], lowWatermarks: [Self.tp: 0])
        #expect(v.duplicates == 1)
        #expect(v.lost == 0)
    }

    @Test func missingHeadAndTailAreLost() {
        let v = Verification.verify(
            audits: [("c01", Self.audit(Array(5..<90)))], lowWatermarks: [Self.tp: 0],
            highWatermarks: [Self.tp: 100])
        #expect(v.lost == 5 + 10)
    }

    @Test func partitionReadByTwoConsumersIsAProblemAndOverlapIsDuplicated() {
        let v = Verification.verify(
            audits: [("c01", Self.audit(Array(0..<60))), ("c02", Self.audit(Array(50..<100)))],
            lowWatermarks: [Self.tp: 0], highWatermarks: [Self.tp: 100])
        #expect(v.problems.count == 1)
        #expect(v.duplicates == 10)
        #expect(v.lost == 0)
    }

    @Test func unconsumedPartitionInDrainIsLost() {
        let other = TopicPartition("t", 1)
        let v = Verification.verify(
            audits: [("c01", Self.audit(Array(0..<10)))], lowWatermarks: [Self.tp: 0, other: 0],
            highWatermarks: [Self.tp: 10, other: 7])
        #expect(v.lost == 7)
    }
}

@Suite struct VerificationMergeTests {
    static let tp = TopicPartition("t", 0)

    /// Two readers who between them read every offset exactly once: nothing lost, nothing duplicated, however
    /// they split the partition (the audit merges the readers' runs before judging).
    @Test func readersSplittingAPartitionAreMergedBeforeJudging() {
        let c01 = VerificationTests.audit(Array(0..<50) + Array(60..<100))
        let c02 = VerificationTests.audit(Array(50..<60))
        let v = Verification.verify(audits: [("c01", c01), ("c02", c02)], lowWatermarks: [Self.tp: 0], highWatermarks: [Self.tp: 100])
        #expect(v.lost == 0 && v.duplicates == 0 && v.consumed == 100)
        #expect(v.problems.count == 1, "two readers of one partition are still reported")
    }

    @Test func lostOffsetsAreListedAsRanges() {
        let c01 = VerificationTests.audit(Array(0..<10) + Array(20..<30))
        let c02 = VerificationTests.audit(Array(35..<40))
        let v = Verification.verify(audits: [("c01", c01), ("c02", c02)], lowWatermarks: [Self.tp: 0], highWatermarks: [Self.tp: 45])
        #expect(v.lostRanges[Self.tp] == [OffsetRange(10, 19), OffsetRange(30, 34), OffsetRange(40, 44)])
        #expect(v.lost == 10 + 5 + 5)
    }

    @Test func overlappingReadersCountOnlyTheOverlapAsDuplicates() {
        let c01 = VerificationTests.audit(Array(0..<30) + [5, 6])
        let c02 = VerificationTests.audit(Array(25..<40))
        let v = Verification.verify(audits: [("c01", c01), ("c02", c02)], lowWatermarks: [Self.tp: 0])
        #expect(v.duplicates == 2 + 5)
        #expect(v.lost == 0)
    }
}
