import Foundation
import Testing

@testable import KafkaBench

/// Point 1 of issue #12: the model's baseline is explicit (a `baseline` column, "model scaled from C = k" in the
/// summary, warnings when k > 1 or k > P·T), a failed baseline leaves the model empty with the reason (never 0),
/// and `--baseline 1` adds the C = 1 point.
@Suite(.serialized, .removesTemporaryFiles) struct BaselineTests {
    /// The C = 1 trial fails (an injected fault in its consumer): the C = 2 trial is ok, but has no model, and
    /// its row says why instead of writing zeros.
    @Test func aFailedBaselineLeavesTheModelEmptyWithTheReason() throws {
        let dir = try TestSupport.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let csv = dir + "/run.csv"
        let run = try TestSupport.kbench(
            [
                "sweep", "--partitions", "2", "--consumers", "1,2", "--duration", "500ms", "--warmup", "100ms",
                "--out", csv, "--no-report",
            ],
            timeout: 90, environment: [InjectedFault.environmentVariable: "fail-group:-c1-"])
        #expect(run.status == 3, "\(run.stderr)")
        let rows = try TestSupport.csvRows(csv)
        try #require(rows.count == 2)
        #expect(rows[0]["status"] == "failed" && rows[0]["reason"]?.contains("injected fault") == true, "\(rows[0])")
        let two = rows[1]
        #expect(two["status"] == "ok", "\(two)")
        #expect(Double(two["msgs_per_s"] ?? "") ?? 0 > 0)
        for column in ["r1", "model_window", "model_drain", "efficiency"] { #expect(two[column] == "", "\(column): \(two[column] ?? "nil")") }
        #expect(
            two["baseline"]?.hasPrefix("none: no baseline trial at C = 1 succeeded (consumer c01 failed: injected fault") == true, "\(two["baseline"] ?? "")")
        let analysis = try SweepAnalysis.load(csvPath: csv)
        #expect(analysis.findings.contains("There is no model for this series: none: no baseline trial at C = 1 succeeded"), "\(analysis.findings)")
    }

    @Test func rowsSayWhichTrialTheModelIsScaledFrom() {
        let c = SweepConfiguration(partitions: [10], consumers: [1, 4])
        let base = ScalingModelTests.result(consumers: 1, partitions: 10, msgsPerS: 900)
        let none = SweepRunner.row(
            base, r1: .nan, baseline: Baseline.missing(1, reason: "join timed out"), configuration: c,
            runId: "t", broker: "embedded", librdkafka: "2.0.2", messages: 1)
        #expect(none.modelWindow.isNaN && none.modelDrain.isNaN && none.efficiency.isNaN)
        let cells = Dictionary(uniqueKeysWithValues: zip(TrialRow.columns, none.cells))
        #expect(cells["model_window"] == "" && cells["efficiency"] == "" && cells["r1"] == "")
        #expect(cells["baseline"] == "none: no baseline trial at C = 1 succeeded (join timed out)")
        #expect(Baseline.consumers(fromCell: "self", rowConsumers: 3) == 3 && Baseline.consumers(fromCell: "C=4", rowConsumers: 9) == 4)
        #expect(Baseline.consumers(fromCell: "none: …", rowConsumers: 3) == nil)
    }

    @Test func aSweepStartingAtFourConsumersWarns() throws {
        let c = SweepConfiguration(partitions: [10], consumers: [4, 8])
        #expect(c.baselineConsumers == 4)
        #expect(c.baselineWarnings.count == 1 && c.baselineWarnings[0].contains("scaled from C = 4, not from one consumer"))
        #expect(c.baselineWarnings[0].contains("--baseline 1"))
        let idle = SweepConfiguration(partitions: [2], consumers: [4])
        #expect(idle.baselineWarnings.first?.contains("more consumers than the 2 partitions") == true)
        #expect(SweepConfiguration(partitions: [10], consumers: [1, 4]).baselineWarnings.isEmpty)

        // the summary says it too, from the rows' baseline cells
        var rows = ReportFixtures.sweep(assignors: ["range"]) { 950 * Double(min($0, 10)) }.filter { $0.consumers >= 4 }
        for i in rows.indices { rows[i].baseline = rows[i].consumers == 4 ? Baseline.isBaseline : Baseline.scaledFrom(4) }
        let analysis = SweepAnalysis(name: "t", rows: rows, meta: RunMetadata.Recorded())
        #expect(analysis.series.first?.baselineConsumers == 4)
        #expect(analysis.findings.contains("The model is scaled from C = 4. Warning: the model is scaled from C = 4, not from one consumer"))
    }

    @Test func baselineOneAddsTheSingleConsumerPoint() throws {
        var c = SweepConfiguration(partitions: [10], consumers: [4, 8])
        c.setBaseline(1)
        #expect(c.consumers == [1, 4, 8] && c.baselineConsumers == 1 && c.baselineWarnings.isEmpty)
        #expect(c.points.first?.consumers == 1)
        try c.validate()
        var late = SweepConfiguration(partitions: [10], consumers: [1, 4, 8])
        late.setBaseline(4)
        #expect(throws: UsageError.self) { try late.validate() }
        // old files: no baseline column, the smallest consumer count was the rule
        let analysis = SweepAnalysis(name: "t", rows: ReportFixtures.linearThenFlat(), meta: RunMetadata.Recorded())
        #expect(analysis.series.allSatisfy { $0.baselineConsumers == 1 })
    }
}
