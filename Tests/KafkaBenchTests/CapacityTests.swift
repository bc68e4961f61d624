import Foundation
import Testing

@testable import KafkaBench

/// `kbench capacity` end to end on the embedded broker, at small sizes: a rate below the group's capacity
/// sustains and one above it falls behind with a positive growth; a rate the embedded broker cannot retain is
/// refused up front; producers that cannot keep up make the trial invalid.
@Suite(.serialized, .removesTemporaryFiles) struct CapacityTests {
    /// At 2 ms per message one consumer does about 450 events/s. 600 events/s on 2 partitions: one consumer
    /// falls behind, two (300 each) sustain.
    @Test func belowCapacitySustainsAndAboveFallsBehind() throws {
        let dir = try TestSupport.tempDirectory()
        let csv = dir + "/cap.csv"
        let run = try TestSupport.kbench(
            [
                "capacity", "--partitions", "2", "--consumers", "1,2", "--rate", "600", "--max-lag", "2s", "--work", "sleep:2ms",
                "--duration", "8s", "--warmup", "1s", "--r1", "450", "--out", csv, "--no-report",
            ], timeout: 120)
        #expect(run.status == 0, "\(run.stderr)")
        let rows = try TestSupport.csvRows(csv)
        #expect(rows.count == 2, "\(rows)")
        guard rows.count == 2 else { return }
        #expect(rows[0]["verdict"] == "falls-behind", "\(rows[0])")
        let growth = Double(rows[0]["lag_growth_msgs_per_s"] ?? "") ?? 0
        #expect(growth > 60 && growth < 400, "growth \(growth)")
        #expect(rows[1]["verdict"] == "sustains", "\(rows[1])")
        #expect((Double(rows[1]["lag_s_p99"] ?? "") ?? 99) < 2)
        for r in rows {
            #expect(r["lost"] == "0" && r["duplicates"] == "0")
            #expect(abs((Double(r["achieved_rate"] ?? "") ?? 0) - 600) < 12, "\(r)")
        }
        // the consumed rate of the overloaded consumer is its own rate, not the target's
        let consumed = Double(rows[0]["consumed_rate"] ?? "") ?? 0
        #expect(consumed > 300 && consumed < 520, "consumed \(consumed)")
        #expect(run.stdout.contains("Smallest consumer count that sustains 600 events/s with p99 lag ≤ 2 s: **2**"), "\(run.stdout)")
        // every trial's lag series is there: 80 samples of the group and of each partition
        let series = try String(contentsOfFile: dir + "/cap-timeseries.csv", encoding: .utf8).split(separator: "\n")
        #expect(series.count == 2 + 2 * 80 * 3, "\(series.count)")

        // the report: summary with the answer, both plots, and an index row with the headline (the time series is
        // a companion, not a run of its own)
        let report = try TestSupport.kbench(["report", csv], timeout: 60)
        #expect(report.status == 0, "\(report.stderr)")
        let summary = try String(contentsOfFile: dir + "/cap.md", encoding: .utf8)
        #expect(summary.contains("sustains 600 events/s with p99 lag ≤ 2 s: **2**"), "\(summary)")
        for plot in ["cap-lag.png", "cap-capacity.png"] { #expect(FileManager.default.fileExists(atPath: dir + "/" + plot), "\(plot)") }
        let index = try String(contentsOfFile: dir + "/README.md", encoding: .utf8)
        #expect(index.contains("capacity: 600 events/s on 2 partitions sustained from 2 consumers (model: 2; rate ÷ r1: 2)"), "\(index)")
        #expect(!index.contains("| cap-timeseries"), "\(index)")
    }

    @Test func aRateTheEmbeddedBrokerCannotRetainIsRefused() throws {
        let run = try TestSupport.kbench(
            ["capacity", "--partitions", "2", "--consumers", "1", "--rate", "200000", "--max-lag", "5s", "--duration", "30s"], timeout: 20)
        #expect(run.status == 64, "\(run.stderr)")
        #expect(run.stderr.contains("do not fit the embedded broker") && run.stderr.contains("events/s fit"), "\(run.stderr)")
        #expect(run.seconds < 5)
    }

    /// Agents need a cluster they reach and on which the run can create its topics: a real one (capacity creates
    /// one per trial, rebalance one per run).
    @Test(arguments: [
        ["capacity", "--partitions", "2", "--consumers", "1", "--rate", "10", "--max-lag", "1s"],
        ["rebalance", "--partitions", "2", "--consumers", "1", "--script", "", "--duration", "5s"],
    ])
    func runsOnAgentsNeedARealCluster(arguments: [String]) throws {
        let run = try TestSupport.kbench(arguments + ["--agents", "2"], timeout: 20, environment: ["KBENCH_AGENT_KEY": "0123456789abcdef0123456789abcdef"])
        #expect(run.status == 64, "\(run.stderr)")
        #expect(run.stderr.contains("--agents needs a cluster the agents reach too"), "\(run.stderr)")
    }

    @Test func producersThatFallBehindMakeTheTrialInvalid() throws {
        let dir = try TestSupport.tempDirectory()
        let csv = dir + "/cap.csv"
        let run = try TestSupport.kbench(
            [
                "capacity", "--partitions", "1", "--consumers", "1", "--rate", "1000", "--max-lag", "2s", "--work", "none",
                "--duration", "3s", "--warmup", "1s", "--r1", "10000", "--out", csv, "--no-report",
            ], timeout: 90, environment: [InjectedFault.environmentVariable: "slow-producer:300"])
        #expect(run.status == 3, "\(run.stderr)")
        let rows = try TestSupport.csvRows(csv)
        #expect(rows.first?["verdict"] == "invalid", "\(rows)")
        #expect(rows.first?["reason"]?.contains("the producers fell behind their schedule") == true, "\(rows)")
        #expect((Double(rows.first?["achieved_rate"] ?? "") ?? 1000) < 500, "\(rows)")
    }
}
