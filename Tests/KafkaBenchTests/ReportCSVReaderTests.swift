import Foundation
import Testing

@testable import KafkaBench

@Suite struct ReportCSVReaderTests {
    func parseError(_ text: String) -> String? {
        do { _ = try SweepCSVReader.parse(text, source: "run.csv"); return nil } catch { return error.message }
    }

    @Test func roundTripsWhatTheSweepWrites() throws {
        var rows = [
            ReportFixtures.row(consumers: 3, msgsPerS: 2850.5),
            ReportFixtures.row(consumers: 12, msgsPerS: 9500, status: .failed, reason: "join timed out, \"c7\" never\nassigned"),
            ReportFixtures.row(consumers: 2, msgsPerS: 1900, broker: "k1:9092,k2:9092"),
        ]
        rows[0].efficiency = .nan
        let parsed = try SweepCSVReader.parse(ReportFixtures.csv(rows), source: "run.csv")
        #expect(parsed.count == 3)
        #expect(parsed[0].consumers == 3 && parsed[0].msgsPerS == 2850.5 && parsed[0].efficiency.isNaN)
        #expect(parsed[1].reason == "join timed out, \"c7\" never\nassigned" && parsed[1].status == .failed)
        #expect(parsed[2].broker == "k1:9092,k2:9092")
        #expect(parsed[1].idleNames == "c11 c12")
    }

    /// Results published as schema 1 (a copy of the first README sweep in Fixtures/) must keep reading, with the
    /// columns added since unknown.
    @Test func readsThePublishedSchema1Files() throws {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path + "/Fixtures"
        let text = try String(contentsOfFile: fixtures + "/schema1-sweep-readme.csv", encoding: .utf8)
        #expect(text.hasPrefix("# kbench sweep schema 1\n"))
        let rows = try SweepCSVReader.parse(text, source: "sweep-readme.csv")
        #expect(!rows.isEmpty && rows.allSatisfy { $0.msgsPerS > 0 && $0.goSkewMs.isNaN })
    }

    @Test func aSchema2FileMustHaveTheSchema2Columns() throws {
        let header = TrialRow.columns.filter { $0 != "go_skew_ms" }.joined(separator: ",")
        #expect(parseError("# kbench sweep schema 2\n" + header + "\n")?.contains("missing column go_skew_ms") == true)
        #expect(parseError("# kbench sweep schema 1\n" + TrialRow.columns(schema: 1).joined(separator: ",") + "\n") == nil)
    }

    @Test func emptyFile() {
        #expect(parseError("")?.contains("run.csv is empty") == true)
        #expect(parseError("\n\n")?.contains("run.csv is empty") == true)
    }

    @Test func wrongSchemaLine() throws {
        let other = try #require(parseError("# kbench sweep schema 99\n" + TrialRow.columns.joined(separator: ",") + "\n"))
        #expect(other.contains("run.csv line 1") && other.contains("schema 99") && other.contains("reads schemas 1 to \(TrialRow.schemaVersion)"))
        let foreign = try #require(parseError("a,b,c\n1,2,3\n"))
        #expect(foreign.contains("run.csv line 1") && foreign.contains("expected '\(TrialRow.schemaLine)'"))
    }

    @Test func missingHeaderAndMissingColumn() throws {
        #expect(parseError(TrialRow.schemaLine + "\n")?.contains("line 2: missing the header") == true)
        let header = TrialRow.columns.filter { $0 != "msgs_per_s" }.joined(separator: ",")
        let message = try #require(parseError(TrialRow.schemaLine + "\n" + header + "\n"))
        #expect(message.contains("run.csv line 2") && message.contains("missing column msgs_per_s"))
    }

    @Test func nonNumericCellNamesLineAndColumn() throws {
        var cells = ReportFixtures.row(consumers: 3, msgsPerS: 2850).cells
        let column = TrialRow.columns.firstIndex(of: "msgs_per_s")!
        cells[column] = "fast"
        let text = ReportFixtures.csv([ReportFixtures.row(consumers: 1, msgsPerS: 950)]) + cells.joined(separator: ",") + "\n"
        let message = try #require(parseError(text))
        #expect(message == "run.csv line 4, column \(column + 1) (msgs_per_s): 'fast' is not a number")
    }

    @Test func badWholeNumberAndWrongCellCount() throws {
        var cells = ReportFixtures.row(consumers: 3, msgsPerS: 2850).cells
        cells[TrialRow.columns.firstIndex(of: "consumers")!] = "3.5"
        let bad = try #require(parseError(ReportFixtures.csv([]) + cells.joined(separator: ",") + "\n"))
        #expect(bad.contains("line 3, column 7 (consumers)") && bad.contains("not a whole number"))
        let short = try #require(parseError(ReportFixtures.csv([]) + "a,b,c\n"))
        #expect(short.contains("line 3") && short.contains("3 cells") && short.contains("\(TrialRow.columns.count) columns"))
    }

    @Test func okTrialWithoutThroughputIsRejected() throws {
        var cells = ReportFixtures.row(consumers: 3, msgsPerS: 2850).cells
        cells[TrialRow.columns.firstIndex(of: "msgs_per_s")!] = ""
        let message = try #require(parseError(ReportFixtures.csv([]) + cells.joined(separator: ",") + "\n"))
        #expect(message.contains("line 3") && message.contains("(msgs_per_s): empty"))
    }
}
