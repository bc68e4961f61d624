import Foundation
import Testing

@testable import KafkaBench

/// Point 4 of issue #12: an assignor that leaves consumers idle (or overloads one) while there are enough
/// partitions is a bound of its own, not "partitions" or "broker".
@Suite struct AssignmentBoundTests {
    /// The two-topic range run's shape: 2 topics × 10 partitions; range assigns topic by topic, so from 11
    /// consumers on it leaves C − 10 of them idle and throughput stays at 10×, while roundrobin keeps scaling.
    static func twoTopicRows() -> [TrialRow] {
        var rows: [TrialRow] = []
        for assignor in ["range", "roundrobin"] {
            for c in 1...12 {
                for (rep, f) in [0.99, 1.0, 1.01].enumerated() {
                    let active = assignor == "range" ? min(c, 10) : c
                    var r = ReportFixtures.row(
                        partitions: 10, consumers: c, assignor: assignor, repeat: rep + 1,
                        msgsPerS: 950 * Double(active) * f)
                    r.topics = 2
                    r.activeConsumers = active
                    r.idleConsumers = c - active
                    r.maxPartitionsPerConsumer = assignor == "range" ? 2 * ((10 + c - 1) / c) : (20 + c - 1) / c
                    r.minPartitionsPerConsumer = c > active ? 0 : (assignor == "range" ? 2 * (10 / c) : 20 / c)
                    rows.append(r)
                }
            }
        }
        return rows
    }

    @Test func rangeLeavingConsumersIdleIsTheAssignmentBound() throws {
        let analysis = SweepAnalysis(name: "two-topics", rows: Self.twoTopicRows(), meta: RunMetadata.Recorded(hostCores: 2))
        let range = try #require(analysis.series.first { $0.key.assignor == "range" })
        let knee = try #require(analysis.knees[range.key])
        #expect(knee.consumers == 10 && knee.bound == .assignment)
        #expect(analysis.knees[try #require(analysis.series.first { $0.key.assignor == "roundrobin" }).key] == nil, "roundrobin still rising at 12")
        let why = try #require(analysis.assignmentSentence(range, after: 10))
        #expect(why.contains("with 11 consumers and 20 partitions, the range assignor left 1 consumer idle"), "\(why)")
        #expect(analysis.findings.contains("bound by its assignment"), "\(analysis.findings)")
    }

    @Test func overloadAndIdleAreJudgedAgainstAnEvenSplit() {
        func point(_ c: Int, idle: Int, max: Int) -> ScalingPoint {
            ScalingPoint(
                consumers: c, trials: 1, throughputMedian: 1, throughputMin: 1, throughputMax: 1, consumerRateMin: 1,
                consumerRateMedian: 1, consumerRateMax: 1, minPartitionsPerConsumer: 0, maxPartitionsPerConsumer: max,
                idleConsumers: idle, lost: 0, duplicates: 0, efficiency: 1)
        }
        #expect(Knee.unevenAssignment(point(4, idle: 0, max: 6), partitionSlots: 20))  // 6,6,4,4 against 5
        #expect(!Knee.unevenAssignment(point(4, idle: 0, max: 5), partitionSlots: 20))
        #expect(Knee.unevenAssignment(point(11, idle: 1, max: 2), partitionSlots: 20))
        #expect(!Knee.unevenAssignment(point(12, idle: 2, max: 1), partitionSlots: 10))  // C > P·T: the partitions' bound
    }

    /// The published two-topic run (real data, schema 1): its range series is bound by the assignment.
    @Test func thePublishedTwoTopicRangeRunIsAssignmentBound() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let analysis = try SweepAnalysis.load(csvPath: root + "/Results/sweep-two-topics.csv")
        let range = try #require(analysis.series.first { $0.key.assignor == "range" })
        #expect(analysis.knees[range.key]?.bound == .assignment, "\(String(describing: analysis.knees[range.key]))")
    }
}
