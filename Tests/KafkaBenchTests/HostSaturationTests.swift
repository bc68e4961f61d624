import Foundation
import Testing

@testable import KafkaBench

/// Point 9 of issue #12: the host's CPU use is recorded per trial (`host_cpu_pct`), and a trial that saturates
/// the host is marked host-bound, with what to do about it.
@Suite(.serialized, .removesTemporaryFiles) struct HostSaturationTests {
    /// Twice as many CPU-bound consumers as the host has cores, one partition each: they demand more CPU than
    /// the host has, so the window must show the host saturated and the trial host-bound.
    @Test func consumersDemandingMoreThanTheCoresAreHostBound() throws {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        try #require(cores <= 8, "a small host is needed to saturate it with a few consumers")
        let n = String(2 * cores)
        let dir = try TestSupport.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let csv = dir + "/run.csv"
        let run = try TestSupport.kbench(
            [
                "sweep", "--partitions", n, "--consumers", n, "--work", "spin:1ms", "--duration", "1s",
                "--warmup", "300ms", "--out", csv, "--no-report",
            ], timeout: 90)
        #expect(run.status == 0, "\(run.stderr)")
        let rows = try SweepCSVReader.read(path: csv)
        let row = try #require(rows.first)
        #expect(row.status == .ok, "\(row.reason)")
        #expect(row.hostCpuPct >= HostCPU.hostBoundPercent && row.hostCpuPct <= 100.5, "\(row.hostCpuPct)")
        #expect(run.stdout.contains("host-bound") || run.stderr.contains("HOST-BOUND"), "\(run.stdout)\n\(run.stderr)")
        let analysis = try SweepAnalysis.load(csvPath: csv)
        let sentence = try #require(analysis.hostBoundSentence)
        #expect(sentence.contains("Host-bound at C = \(n)") && sentence.contains(HostCPU.advice))
    }

    @Test func procStatIsReadAsBusyOverTotal() throws {
        let a = try #require(HostCPU.parse(procStat: "cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n"))
        #expect(a == HostCPU(busy: 150, total: 1000, steal: 0))
        let b = HostCPU(busy: 150 + 180, total: 1000 + 200)
        #expect(HostCPU.percent(from: a, to: b) == 90)
        #expect(HostCPU.isHostBound(90) && !HostCPU.isHostBound(89.9) && !HostCPU.isHostBound(.nan))
        #expect(HostCPU.percent(from: a, to: nil).isNaN)
        #expect(HostCPU.sample() != nil)
    }

    /// Steal time (the 8th counter of /proc/stat's `cpu` line) is counted busy and reported on its own: a
    /// trial measured while the hypervisor ran other machines is flagged in the summary, the table's rows and
    /// the plot, since every consumer of it slows down alike while the VM looks mostly idle.
    @Test func stealTimeIsRecordedAndFlagsTheTrial() throws {
        let a = try #require(HostCPU.parse(procStat: "cpu  100 0 50 780 50 0 0 20 0 0\n"))
        #expect(a == HostCPU(busy: 170, total: 1000, steal: 20))
        let b = HostCPU(busy: 170 + 60, total: 1000 + 200, steal: 20 + 16)
        #expect(HostCPU.percent(from: a, to: b) == 30)
        #expect(HostCPU.stealPercent(from: a, to: b) == 8)
        #expect(HostCPU.isStolen(8) && !HostCPU.isStolen(4.9) && !HostCPU.isStolen(.nan))
        #expect(HostCPU.stealPercent(from: nil, to: b).isNaN)

        var rows = ReportFixtures.sweep(assignors: ["range"]) { 900 * Double(min($0, 4)) }
        for i in rows.indices {
            rows[i].hostCpuPct = 30
            rows[i].hostStealPct = rows[i].consumers == 2 ? 8 : 1
        }
        let series = ScalingSeries.group(rows)
        #expect(series.flatMap(\.points).filter(\.stolen).map(\.consumers) == [2])
        #expect(series.flatMap(\.points).filter(\.hostBound).isEmpty)
        let dir = try TestSupport.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let csv = dir + "/run.csv"
        try ([TrialRow.schemaLine, TrialRow.columns.joined(separator: ",")] + rows.map(\.csvLine)).joined(separator: "\n")
            .appending("\n").write(toFile: csv, atomically: true, encoding: .utf8)
        let back = try SweepCSVReader.read(path: csv)
        #expect(back.map(\.hostStealPct) == rows.map(\.hostStealPct))
        let analysis = try SweepAnalysis.load(csvPath: csv)
        let sentence = try #require(analysis.stolenSentence)
        #expect(sentence.contains("CPU stolen at C = 2") && sentence.contains("up to 8%"), "\(sentence)")
        let plot = GnuplotScript(name: "run", csvPath: "run.csv", brokerKind: "embedded", series: series)
        let column = try #require(GnuplotScript.dataColumns.firstIndex(of: "host_bound"))
        let flagged = plot.dataText().split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: ",") }
            .filter { $0[column] == "1" }.map { Int($0[0])! }
        #expect(flagged == [2])
    }

    /// The throughput plot rings the host-bound points (and only them), with a legend entry that says what they
    /// measure: a flat line of host-bound points otherwise reads as the group's plateau.
    @Test func theThroughputPlotRingsHostBoundPoints() throws {
        var rows = ReportFixtures.sweep(assignors: ["range"]) { 950 * Double(min($0, 4)) }
        for i in rows.indices { rows[i].hostCpuPct = rows[i].consumers >= 4 ? 97 : 25 * Double(rows[i].consumers) }
        let plot = GnuplotScript(name: "run", csvPath: "run.csv", brokerKind: "embedded", series: ScalingSeries.group(rows))
        let column = try #require(GnuplotScript.dataColumns.firstIndex(of: "host_bound"))
        let flagged = plot.dataText().split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: ",") }
            .filter { $0[column] == "1" }.map { Int($0[0])! }
        #expect(flagged == Set(rows.map(\.consumers).filter { $0 >= 4 }).sorted(), "\(flagged)")
        let text = plot.scriptText()
        #expect(text.contains("host CPU saturated or stolen: measures this host, not the group"))
        #expect(text.contains("$\(column + 1) == 1 ?"))
        let quiet = GnuplotScript(
            name: "run", csvPath: "run.csv", brokerKind: "embedded",
            series: ScalingSeries.group(
                rows.map {
                    var r = $0
                    r.hostCpuPct = 20
                    return r
                }))
        #expect(!quiet.scriptText().contains("host CPU saturated"))
    }

    /// The knee's bound is the host's CPU when it was measured saturated there (below the partitions).
    @Test func aSaturatedKneeIsBoundByTheHost() {
        var rows = ReportFixtures.sweep(assignors: ["range"]) { 950 * Double(min($0, 4)) }
        for i in rows.indices { rows[i].hostCpuPct = rows[i].consumers >= 4 ? 97 : 25 * Double(rows[i].consumers) }
        let analysis = SweepAnalysis(name: "t", rows: rows, meta: RunMetadata.Recorded())
        let knee = analysis.knees.values.first
        #expect(knee?.consumers == 4 && knee?.bound == .hostCPU)
        #expect(analysis.findings.contains("host's CPU was saturated") && analysis.findings.contains(HostCPU.advice))
        #expect(analysis.hostBoundSentence?.contains("C = 4, 5, 6") == true)
        // the same rows without the measurement (schema 1): no host claim
        let unmeasured = SweepAnalysis(
            name: "t",
            rows: rows.map {
                var r = $0; r.hostCpuPct = .nan; return r
            }, meta: RunMetadata.Recorded())
        #expect(unmeasured.knees.values.first?.bound != .hostCPU && unmeasured.hostBoundSentence == nil)
    }
}
