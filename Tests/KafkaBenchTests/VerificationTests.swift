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
        let v = Verification.verify(audits: [("c01", Self.audit(Array(5..<90)))], lowWatermarks: [Self.tp: 0],
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
        let v = Verification.verify(audits: [("c01", Self.audit(Array(0..<10)))], lowWatermarks: [Self.tp: 0, other: 0],
                                    highWatermarks: [Self.tp: 10, other: 7])
        #expect(v.lost == 7)
    }
}
