import Foundation
import Testing

@testable import KafkaBench

/// Point 8 of issue #12: `kbench compare` puts sweeps side by side with verdicts that respect the repeats' spread.
@Suite(.removesTemporaryFiles) struct CompareTests {
    static func write(_ rows: [TrialRow], name: String, settings: String, in dir: String) throws -> String {
        let path = dir + "/\(name).csv"
        try ReportFixtures.csv(rows).write(toFile: path, atomically: true, encoding: .utf8)
        try """
        {"command_line": "kbench sweep", "host": {"cores": 2}, "settings": {\(settings)}}
        """.write(toFile: dir + "/\(name).meta.json", atomically: true, encoding: .utf8)
        return path
    }

    /// B is 10% faster from 5 consumers on (beyond the ±2% repeats), and the same below.
    @Test func verdictsRespectTheRepeatsSpread() throws {
        let dir = try ReportFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let a = try Self.write(
            ReportFixtures.sweep(assignors: ["range"]) { 950 * Double(min($0, 10)) }, name: "a",
            settings: #""work": "none", "commit": "auto""#, in: dir)
        let b = try Self.write(
            ReportFixtures.sweep(assignors: ["range"]) { 950 * Double(min($0, 10)) * ($0 >= 5 ? 1.10 : 1.005) }, name: "b",
            settings: #""work": "none", "commit": "sync""#, in: dir)
        let comparison = try RunComparison.load(csvPaths: [a, b], force: false)
        let points = comparison.points
        let three = try #require(points.first { $0.key.consumers == 3 })
        let eight = try #require(points.first { $0.key.consumers == 8 })
        #expect(RunComparison.Verdict.of(three.perRun[1]!, against: three.perRun[0]!) == .withinNoise)
        #expect(RunComparison.Verdict.of(eight.perRun[1]!, against: eight.perRun[0]!) == .faster)
        #expect(RunComparison.Verdict.of(eight.perRun[0]!, against: eight.perRun[1]!) == .slower)
        #expect(comparison.settingDifferences.map(\.setting) == ["commit"])
        #expect(comparison.settingDifferences.first?.values == ["auto", "sync"])
        let md = comparison.markdown(plots: nil, notRendered: nil)
        #expect(md.contains("| window | 10×1 | range | 8 | 7,600 (7,448–7,752) | 8,360 (8,193–8,527) | 1.10× | faster |"), "\(md)")
        #expect(md.contains("| window | 10×1 | range | 3 | 2,850 (2,793–2,907) | 2,864 (2,807–2,922) | 1.00× | within noise |"), "\(md)")
        #expect(md.contains("| commit | auto | sync |"))
    }

    @Test func oneRunPerPointGivesNoVerdict() throws {
        let dir = try ReportFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let rows = ReportFixtures.sweep(assignors: ["range"]) { 950 * Double(min($0, 10)) }.filter { $0.repeat == 1 }
        let a = try Self.write(rows, name: "a", settings: "", in: dir)
        let b = try Self.write(
            rows.map {
                var r = $0; r.msgsPerS *= 1.3; return r
            }, name: "b", settings: "", in: dir)
        let md = try RunComparison.load(csvPaths: [a, b], force: false).markdown(plots: nil, notRendered: nil)
        #expect(md.contains("| 1.30× | noise unknown (one run) |") && !md.contains("| faster |"))
    }

    /// A point measured while the host was saturated or its CPU stolen gets no faster/slower verdict: its figure
    /// is marked, and the verdict says it measures the host (a stolen trial once read as the broker being 0.81×).
    @Test func aPointThatMeasuredTheHostGetsNoVerdict() throws {
        let dir = try ReportFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let rows = ReportFixtures.sweep(assignors: ["range"]) { 950 * Double(min($0, 10)) }.filter { $0.repeat == 1 }
        let a = try Self.write(rows, name: "a", settings: "", in: dir)
        let b = try Self.write(
            rows.map {
                var r = $0
                if r.consumers == 9 { r.msgsPerS *= 0.81; r.hostStealPct = 15.9 }
                return r
            }, name: "b", settings: "", in: dir)
        let md = try RunComparison.load(csvPaths: [a, b], force: false).markdown(plots: nil, notRendered: nil)
        let nine = try #require(md.split(separator: "\n").first { $0.hasPrefix("| window | 10×1 | range | 9 |") })
        #expect(nine.contains("cpu-stolen (16%)") && nine.hasSuffix("| 0.81× | measures the host |"), "\(nine)")
        #expect(md.contains("| 1.00× | noise unknown (one run) |"))
    }

    @Test func differentWorkModelsAreRefusedUnlessForced() throws {
        let dir = try ReportFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let a = try Self.write(ReportFixtures.linearThenFlat(), name: "a", settings: "", in: dir)
        let b = try Self.write(ReportFixtures.sweep(work: "spin:200us") { 950 * Double(min($0, 2)) }, name: "b", settings: "", in: dir)
        #expect { try RunComparison.load(csvPaths: [a, b], force: false) } throws: { error in
            let m = (error as? UsageError)?.message ?? ""
            return m.contains("a measured work none in window mode but b measured work spin:200us in window mode") && m.contains("--force")
        }
        #expect(try RunComparison.load(csvPaths: [a, b], force: true).runs.count == 2)
        #expect(throws: UsageError.self) { try RunComparison.load(csvPaths: [a], force: false) }
    }

    /// The command on two published runs (real data, read only): report and overlay plot in a temporary directory.
    @Test func comparesThePublishedRuns() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let dir = try TestSupport.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let run = try TestSupport.kbench(
            [
                "compare", root + "/Results/sweep-readme.csv", root + "/Results/sweep-two-topics.csv",
                "--out", dir + "/cmp.md", "--plots-dir", dir + "/plots",
            ], timeout: 60)
        #expect(run.status == 0, "\(run.stderr)")
        let md = try String(contentsOfFile: dir + "/cmp.md", encoding: .utf8)
        #expect(md.hasPrefix(GeneratedFile.markdownMarker + "\n# Comparison: sweep-readme vs sweep-two-topics"))
        #expect(md.contains("| window | 10×1 | range | 1 |") && md.contains("| window | 10×2 | range | 1 |"))
        #expect(FileManager.default.fileExists(atPath: dir + "/plots/cmp.gp"))
        if GnuplotRunner.locate() != nil {
            #expect(FileManager.default.fileExists(atPath: dir + "/plots/cmp-throughput.png"))
            #expect(FileManager.default.fileExists(atPath: dir + "/plots/cmp-throughput.svg"))
            #expect(md.contains("![Throughput vs consumers, every run](plots/cmp-throughput.png)"))
        }
        let refused = try TestSupport.kbench(
            [
                "compare", root + "/Results/sweep-readme.csv", root + "/Results/sweep-spin.csv",
                "--out", dir + "/no.md",
            ], timeout: 60)
        #expect(refused.status != 0 && refused.stderr.contains("--force"), "\(refused.stderr)")
    }
}
