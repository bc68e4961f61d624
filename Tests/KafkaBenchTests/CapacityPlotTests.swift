import Foundation
import Testing

@testable import KafkaBench

/// The capacity plot is read in five seconds: its title says what was asked (the target rate and the lag bound)
/// and the answer is written above the panel, not left to a small dot.
@Suite(.removesTemporaryFiles) struct CapacityPlotTests {
    static func fixed(_ verdicts: [(Int, CapacityVerdict.Kind)]) -> [CapacityRow] {
        verdicts.map { c, verdict in
            var r = CapacityRow()
            r.consumers = c; r.targetRate = 5000; r.maxLagS = 5; r.search = "fixed"; r.verdict = verdict
            return r
        }
    }

    @Test func theTitleNamesTheTargetRateAndTheLagBound() {
        #expect(CapacityReport.goal(Self.fixed([(1, .fallsBehind)])) == "target 5,000 events/s with p99 lag ≤ 5 s")
        var search = CapacityRow()
        search.consumers = 1; search.targetRate = 900; search.maxLagS = 2; search.search = "bracket"; search.verdict = .sustains
        #expect(CapacityReport.goal([search]) == "highest rate with p99 lag ≤ 2 s")
    }

    @Test func theAnswerIsTheFewestConsumersThatSustain() {
        let answer = CapacityReport.plotAnswer(Self.fixed([(2, .fallsBehind), (3, .sustains), (4, .sustains)]))
        #expect(answer.consumers == 3)
        #expect(answer.text == "Answer: 3 consumers (the fewest that sustain 5,000 events/s)")
        let none = CapacityReport.plotAnswer(Self.fixed([(1, .fallsBehind), (2, .fallsBehind)]))
        #expect(none.consumers == nil && none.text.contains("no consumer count tried sustains 5,000 events/s"))
    }

    /// A run stopped during its first trial has one failed row and no lag series: its report still renders (the
    /// lag panel says why it is empty) instead of a gnuplot error on an empty plot command.
    @Test func aRunStoppedInItsFirstTrialStillRenders() throws {
        let dir = try TestSupport.tempDirectory()
        var row = Self.fixed([(1, .failed)])[0]
        row.runId = "r"; row.broker = "embedded"; row.partitions = 10; row.assignor = "range"; row.work = "sleep:1ms"; row.producers = 1
        row.step = 1; row.r1 = 845; row.durationS = 30; row.warmupS = 5; row.reason = "interrupted"
        let csv = dir + "/cap.csv"
        let text = CapacityRow.schemaLine + "\n" + CapacityRow.columns.joined(separator: ",") + "\n" + row.cells.joined(separator: ",") + "\n"
        try text.write(toFile: csv, atomically: true, encoding: .utf8)
        let outcome = try CapacityReport.generate(csvPath: csv, plotsDir: dir, resultsDir: dir, render: GnuplotRunner.locate() != nil)
        let script = try String(contentsOfFile: dir + "/cap.gp", encoding: .utf8)
        #expect(!script.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces) == "plot" }, "\(script)")
        if case .failed(let message) = outcome.gnuplot { Issue.record("gnuplot failed: \(message)") }
    }

    /// A trial measured while the hypervisor took the CPU is flagged in the table, and its figures survive the CSV.
    @Test func aTrialMeasuredUnderStealIsFlaggedAndReadBack() throws {
        var rows = Self.fixed([(1, .fallsBehind), (2, .sustains)])
        for i in rows.indices { rows[i].partitions = 2 }
        rows[0].hostCpuPct = 40; rows[0].hostStealPct = 12.3
        rows[1].hostCpuPct = 35; rows[1].hostStealPct = 0.4
        let table = CapacityReport.table(rows)
        #expect(table.contains("falls-behind (host: cpu-stolen 12.3%)") && !table.contains("sustains (host"), "\(table)")
        #expect(table.contains("may measure the host, not the group"))
        let dir = try TestSupport.tempDirectory(), csv = dir + "/cap.csv"
        let text =
            CapacityRow.schemaLine + "\n" + CapacityRow.columns.joined(separator: ",") + "\n" + rows.map { $0.cells.joined(separator: ",") + "\n" }.joined()
        try text.write(toFile: csv, atomically: true, encoding: .utf8)
        let back = try CapacityRow.read(csvPath: csv)
        #expect(back.map(\.hostStealPct) == [12.3, 0.4] && back[0].measuresHost && !back[1].measuresHost)
        #expect(!CapacityReport.table(Self.fixed([(1, .sustains)])).contains("host"), "a row without host figures (schema 1) is not flagged")
    }
}
