import Foundation
import Testing

@testable import KafkaBench

/// Point 3 of issue #12: beyond the knee the report gives a plateau (median and range of its points), calls a
/// point a peak only when it stands above the repeats' spread, and says when one run per point cannot separate
/// noise.
@Suite struct NoiseAwareHeadlineTests {
    static func analysis(_ rows: [TrialRow]) -> SweepAnalysis { SweepAnalysis(name: "t", rows: rows, meta: RunMetadata.Recorded(hostCores: 2)) }

    /// 950/consumer up to 10 partitions, then flat with a bump at 12 that is inside the ±2% repeat spread.
    @Test func aBumpInsideTheNoiseIsNotAPeak() throws {
        let rows = ReportFixtures.sweep(assignors: ["range"]) { c in 950 * Double(min(c, 10)) * (c == 12 ? 1.015 : 1) }
        let a = Self.analysis(rows)
        let plateau = try #require(a.plateau(a.series[0]))
        #expect(plateau.fromConsumers == 10 && plateau.toConsumers == 15 && plateau.median == 9500 && plateau.peak == nil)
        #expect(a.headline.hasPrefix("plateau of 9,500 events/s (9,500–9,642) from 10 to 15 consumers"), "\(a.headline)")
        #expect(!a.headline.contains("peak"))
        #expect(a.findings.contains("no point stands above the spread of the repeats"))
    }

    /// The same with a bump of 4.5% at 12 (under the knee's 5%, above the ±2% repeats): every repeat there beats
    /// every repeat elsewhere on the plateau.
    @Test func aPointAboveTheSpreadIsAPeak() throws {
        let rows = ReportFixtures.sweep(assignors: ["range"]) { c in 950 * Double(min(c, 10)) * (c == 12 ? 1.045 : 1) }
        let a = Self.analysis(rows)
        #expect(a.knees[a.series[0].key]?.consumers == 10, "a 4.5% bump after the knee: the knee is still at 10")
        let plateau = try #require(a.plateau(a.series[0]))
        #expect(plateau.peak?.consumers == 12)
        #expect(a.headline.contains("; peak 9,92") && a.headline.contains(" events/s at 12 consumers, above the plateau's spread"), "\(a.headline)")
    }

    @Test func oneRunPerPointCannotSeparateNoise() throws {
        let rows = ReportFixtures.sweep(assignors: ["range"]) { c in 950 * Double(min(c, 10)) * (c == 12 ? 1.10 : 1) }.filter { $0.repeat == 2 }
        let a = Self.analysis(rows)
        let plateau = try #require(a.plateau(a.series[0]))
        #expect(plateau.repeats == 1 && plateau.peak == nil && !plateau.noiseSeparable)
        #expect(a.headline.contains("noise cannot be separated") && !a.headline.contains("peak"), "\(a.headline)")
    }

    /// The README sweep as first published (real data: one run per point; a copy in Fixtures/).
    @Test func thePublishedReadmeSweepReadsAsAPlateauWithoutSeparableNoise() throws {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path + "/Fixtures"
        let a = try SweepAnalysis.load(csvPath: fixtures + "/schema1-sweep-readme.csv")
        #expect(a.headline.hasPrefix("plateau of ") && a.headline.contains("from 10 to 15 consumers"), "\(a.headline)")
        #expect(a.headline.contains(Plateau.singleRunNote) && !a.headline.contains("peak"))
    }

    /// Assignors compared on one run per point cannot claim a difference beyond noise (the two-topic run as first
    /// published, one run per point; a copy in Fixtures/).
    @Test func assignorDifferencesWithOneRunDoNotClaimToBeatNoise() throws {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path + "/Fixtures"
        let a = try SweepAnalysis.load(csvPath: fixtures + "/schema1-sweep-two-topics.csv")
        #expect(a.findings.contains("roundrobin was") && a.findings.contains(Plateau.singleRunNote), "\(a.findings)")
        #expect(!a.findings.contains("more than the spread between repeats"))
    }

    @Test func aSeriesStillRisingHasNoPlateau() {
        let a = Self.analysis(ReportFixtures.sweep(assignors: ["range"], throughput: { 950 * Double($0) }))
        #expect(a.plateau(a.series[0]) == nil)
        #expect(a.headline.contains("still rising at the largest consumer count") && !a.headline.contains("peak"))
    }
}
