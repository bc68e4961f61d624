import Foundation
import Testing

@testable import KafkaBench

@Suite(.removesTemporaryFiles) struct ReportGnuplotTests {
    func script(_ rows: [TrialRow]) -> GnuplotScript {
        GnuplotScript(name: "run", csvPath: "../Results/run.csv", brokerKind: "embedded", series: ScalingSeries.group(rows))
    }

    func matches(_ pattern: String, in text: String) throws -> [[String]] {
        let re = try NSRegularExpression(pattern: pattern)
        return re.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { m in
            (1..<m.numberOfRanges).map { String(text[Range(m.range(at: $0), in: text)!]) }
        }
    }

    /// Every data-file column and block, and every CSV column, the script names exists.
    func checkReferences(_ s: GnuplotScript) throws {
        let text = s.scriptText()
        let data = s.dataText()
        let blocks = data.components(separatedBy: "\n\n\n")
        #expect(blocks.count == s.series.count)
        for line in data.split(separator: "\n") where !line.hasPrefix("#") {
            #expect(line.split(separator: ",", omittingEmptySubsequences: false).count == GnuplotScript.dataColumns.count)
        }
        var datReferences = 0
        for line in text.split(separator: "\n") where line.contains("dat index") {
            let found = try matches(#"dat index (\d+)"#, in: String(line)).first?.first
            let index = try #require(found.flatMap { Int($0) })
            #expect(index < blocks.count)
            for ref in try matches(#"\$(\d+)"#, in: String(line)) {
                let column = try #require(Int(ref[0]))
                #expect((1...GnuplotScript.dataColumns.count).contains(column), "\(line)")
                datReferences += 1
            }
        }
        #expect(datReferences > 0)
        let csvNames = try matches(#"(?:column|strcol)\('([a-z_0-9]+)'\)"#, in: text).map { $0[0] }
        #expect(!csvNames.isEmpty)
        for name in csvNames { #expect(TrialRow.columns.contains(name), "script reads CSV column '\(name)'") }
        #expect(text.contains("set datafile separator ','"))
        #expect(text.contains("csv = '../Results/run.csv'") && text.contains("dat = 'run.dat'"))
    }

    @Test func scriptReferencesOnlyColumnsThatExist() throws {
        try checkReferences(script(ReportFixtures.linearThenFlat()))
        let drain = ReportFixtures.linearThenFlat().map { r in
            var r = r; r.mode = "drain"; return r
        }
        try checkReferences(script(ReportFixtures.linearThenFlat() + drain))
        let twoPartitionCounts = ReportFixtures.linearThenFlat() + ReportFixtures.sweep(partitions: 4) { 950 * Double(min($0, 4)) }
        try checkReferences(script(twoPartitionCounts))
    }

    @Test func plotsTitlesAndMarkers() {
        let s = script(ReportFixtures.linearThenFlat())
        #expect(s.plots == [.throughput, .balance, .perConsumer])
        let text = s.scriptText()
        #expect(text.contains("'P = 10 partitions'") && text.contains("'idle consumers'"))
        #expect(text.contains("broker: embedded"))
        #expect(text.contains("set output 'run-throughput.png'") && text.contains("set output 'run-throughput.svg'"))
        #expect(text.contains("set terminal pngcairo size 1200,800"))
        #expect(text.contains("model0(x) = (x < 1 ? NaN : 950.0 * (x < 10 ? x : 10)) / scale"))
        #expect(text.contains("set xlabel 'consumers in the group'") && text.contains("set ylabel 'throughput (events/s)'"))
    }

    @Test func drainPlotOnlyWithDrainTrials() {
        let drain = ReportFixtures.linearThenFlat().map { r in
            var r = r; r.mode = "drain"; return r
        }
        #expect(script(ReportFixtures.linearThenFlat() + drain).plots == [.throughput, .drain, .balance, .perConsumer])
        let drainOnly = script(drain)
        #expect(drainOnly.plots == [.throughput, .balance, .perConsumer])
        // the drain model is each series' own model column (the rows' model_drain: real partition sizes)
        #expect(drainOnly.scriptText().contains("title 'model: r1 × total / largest consumer backlog"))
        let c3 = drainOnly.dataText().split(separator: "\n").first { $0.hasPrefix("3,") }.map { $0.split(separator: ",").map(String.init) }
        #expect(c3?[GnuplotScript.dataColumns.firstIndex(of: "model_msgs_per_s")!] == "2375", "\(String(describing: c3))")
    }

    @Test func gnuplotRendersTheScript() throws {
        // Not a silent pass without gnuplot: scripts/test installs it (scripts/deps), so its absence is a failure.
        let gnuplot = try #require(
            GnuplotRunner.locate(),
            "gnuplot is not installed: run scripts/deps (apt-get install gnuplot-nox), as scripts/test does")
        let run = try ReportFixtures.publishedRun(ReportFixtures.linearThenFlat(), meta: ReportFixtures.meta)
        defer { try? FileManager.default.removeItem(atPath: run.root) }
        let outcome = try SweepReport.generate(
            csvPath: run.csv, plotsDir: run.root + "/plots",
            resultsDir: run.root + "/Results", gnuplot: gnuplot)
        #expect(outcome.gnuplot == .rendered(warnings: ""))
        let attributes = try FileManager.default.attributesOfItem(atPath: outcome.headlinePlot)
        #expect((attributes[.size] as? NSNumber)?.intValue ?? 0 > 10_000)
        let png = try Data(contentsOf: URL(fileURLWithPath: outcome.headlinePlot))
        #expect(png.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
        for name in ["balance.png", "per-consumer.png", "throughput.svg"] {
            #expect(FileManager.default.fileExists(atPath: run.root + "/plots/sweep-test-\(name)"))
        }
    }
}
