import Foundation
import Testing

@testable import KafkaBench

@Suite(.removesTemporaryFiles) struct ReportGenerateTests {
    @Test func withoutGnuplotTheScriptAndSummaryAreStillWritten() throws {
        var rows = ReportFixtures.linearThenFlat()
        rows.append(ReportFixtures.row(consumers: 4, repeat: 4, msgsPerS: 0, status: .failed, reason: "join timed out | c3"))
        let run = try ReportFixtures.publishedRun(rows, meta: ReportFixtures.meta)
        defer { try? FileManager.default.removeItem(atPath: run.root) }
        let outcome = try SweepReport.generate(
            csvPath: run.csv, plotsDir: run.root + "/plots",
            resultsDir: run.root + "/Results", gnuplot: nil)
        guard case .notInstalled(let hint) = outcome.gnuplot else { Issue.record("\(outcome.gnuplot)"); return }
        #expect(hint.contains("apt-get install gnuplot-nox"))
        #expect(!outcome.rendered)
        #expect(outcome.filesWritten.map { ($0 as NSString).lastPathComponent } == ["sweep-test.dat", "sweep-test.gp", "sweep-test.md"])
        let script = try String(contentsOfFile: run.root + "/plots/sweep-test.gp", encoding: .utf8)
        #expect(script.contains("csv = '../Results/sweep-test.csv'"))

        let summary = try String(contentsOfFile: outcome.summary, encoding: .utf8)
        #expect(summary.contains("`kbench sweep --partitions 10 --consumers 1...15 --repeat 3`"))
        #expect(summary.contains("| host | 2 cores, 7.8 GiB memory |"))
        #expect(summary.contains("![Group throughput vs consumers](../plots/sweep-test-throughput.png)"))
        #expect(summary.contains("[sweep-test.csv](sweep-test.csv)"))
        #expect(summary.contains("| P=10, range, window | 10 | 10 | 9,500 | partitions |"))
        #expect(summary.contains("| 10 | 9,500 | 9,310–9,690 | 10.00× | 100% | 0 | 0 | 0 | 3 |"))
        #expect(summary.contains("consumers beyond the 10th got no partition and sat idle"))
        #expect(summary.contains("made no real difference"))
        #expect(summary.contains("1 of 136 trials failed"))
        #expect(summary.contains("join timed out \\| c3"))
        #expect(summary.contains("apt-get install gnuplot-nox"))
        #expect(
            outcome.headline
                == "plateau of 9,500 events/s (9,500–9,500) from 10 to 15 consumers (P=10, cooperative-sticky); knee at 10 consumers, bound: partitions")
    }

    /// A hand-written README.md beside a results CSV is never replaced by the generated index: `kbench report`
    /// refuses before writing anything, and says why. A README.md kbench wrote is regenerated.
    @Test func aHandWrittenReadmeBesideTheCSVIsRefusedAndKept() throws {
        let run = try ReportFixtures.publishedRun(ReportFixtures.linearThenFlat(), meta: ReportFixtures.meta)
        defer { try? FileManager.default.removeItem(atPath: run.root) }
        let readme = run.root + "/Results/README.md"
        let mine = "# My results\n\nNotes I wrote by hand.\n"
        try mine.write(toFile: readme, atomically: true, encoding: .utf8)
        let refused = try TestSupport.kbench(["report", run.csv], timeout: 60)
        #expect(refused.status != 0, "\(refused.stdout)")
        #expect(refused.stderr.contains("refusing to overwrite") && refused.stderr.contains("README.md"), "\(refused.stderr)")
        #expect(try String(contentsOfFile: readme, encoding: .utf8) == mine)
        #expect(!FileManager.default.fileExists(atPath: run.root + "/Results/sweep-test.md"))
        #expect(throws: UsageError.self) { try GeneratedFile.write("x", to: readme) }

        try FileManager.default.removeItem(atPath: readme)
        let first = try TestSupport.kbench(["report", run.csv], timeout: 60)
        #expect(first.status == 0, "\(first.stderr)")
        let index = try String(contentsOfFile: readme, encoding: .utf8)
        #expect(index.hasPrefix(GeneratedFile.markdownMarker))
        let again = try TestSupport.kbench(["report", run.csv], timeout: 60)
        #expect(again.status == 0, "\(again.stderr)")
    }

    @Test func noOkTrialIsAnError() throws {
        let run = try ReportFixtures.publishedRun([ReportFixtures.row(consumers: 1, msgsPerS: 0, status: .failed, reason: "x")])
        defer { try? FileManager.default.removeItem(atPath: run.root) }
        #expect(throws: UsageError.self) {
            try SweepReport.generate(csvPath: run.csv, plotsDir: run.root + "/plots", resultsDir: run.root + "/Results", gnuplot: nil)
        }
        #expect(!FileManager.default.fileExists(atPath: run.root + "/plots/sweep-test.gp"))
    }

    @Test func malformedCSVWritesNothing() throws {
        let root = try ReportFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try "# kbench sweep schema 1\nrun_id\n".write(toFile: root + "/bad.csv", atomically: true, encoding: .utf8)
        do {
            _ = try SweepReport.generate(csvPath: root + "/bad.csv", plotsDir: root + "/plots", resultsDir: root, gnuplot: nil)
            Issue.record("accepted")
        } catch {
            #expect(
                error.message.contains(
                    "bad.csv line 2: missing \(TrialRow.columns(schema: 1).count - 1) of the \(TrialRow.columns(schema: 1).count) columns (timestamp, broker, librdkafka, …)"
                ))
        }
        #expect(!FileManager.default.fileExists(atPath: root + "/plots"))
    }

    @Test func indexListsEveryPublishedRunNewestFirst() throws {
        let run = try ReportFixtures.publishedRun(ReportFixtures.linearThenFlat(), meta: ReportFixtures.meta)
        defer { try? FileManager.default.removeItem(atPath: run.root) }
        let results = run.root + "/Results"
        _ = try SweepReport.generate(csvPath: run.csv, plotsDir: run.root + "/plots", resultsDir: results, gnuplot: nil)
        let newer = ReportFixtures.sweep(work: "spin:1ms") { 950 * Double(min($0, 2)) }
        try ReportFixtures.csv(newer).write(toFile: results + "/cpu.csv", atomically: true, encoding: .utf8)
        try #"{"started": "2025-11-26T08:30:00Z", "broker_kind": "Kafka 3.7", "command_line": ["kbench", "sweep", "--work", "spin:1ms"], "host": {"cores": 2}}"#
            .write(toFile: results + "/cpu.meta.json", atomically: true, encoding: .utf8)
        try "garbage\n".write(toFile: results + "/broken.csv", atomically: true, encoding: .utf8)

        let path = try SweepReport.writeIndex(resultsDir: results)
        #expect(path == results + "/README.md")
        let index = try String(contentsOfFile: path, encoding: .utf8)
        let lines = index.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| date") }
        #expect(lines.count == 3)
        // the client: from the metadata, else from the rows
        #expect(lines[0].contains("2025-11-26 08:30 UTC | Kafka 3.7 | librdkafka 2.3.0 | `kbench sweep --work spin:1ms`"))
        #expect(lines[0].contains("bound: CPU cores") && lines[0].contains("[CSV](cpu.csv)") && !lines[0].contains("summary"))
        #expect(lines[1].contains("2025-11-25 13:00 UTC | embedded | librdkafka 2.3.0 |"))
        #expect(lines[1].contains("knee at 10 consumers, bound: partitions"))
        #expect(lines[1].contains("[CSV](sweep-test.csv) · [summary](sweep-test.md)"))
        #expect(lines[2].contains("broken") && lines[2].contains("not readable"))
    }

    @Test func emptyResultsDirectory() throws {
        let root = try ReportFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let index = try String(contentsOfFile: try SweepReport.writeIndex(resultsDir: root), encoding: .utf8)
        #expect(index.contains("No runs yet"))
    }

    @Test func relativePaths() {
        #expect(RelativePath.from("/a/b/plots", to: "/a/b/Results/x.csv") == "../Results/x.csv")
        #expect(RelativePath.from("/a/b/Results", to: "/a/b/Results/x.csv") == "x.csv")
        #expect(RelativePath.from("/a/b/Results/", to: "/a/b/plots/x.png") == "../plots/x.png")
    }
}
