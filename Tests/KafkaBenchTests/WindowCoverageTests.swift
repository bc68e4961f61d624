import Foundation
import Testing

@testable import KafkaBench

/// Point 2 of issue #12: a window counts only when every worker started together and every assigned partition
/// made progress inside it. End to end with injected faults (a late "go", a stalled partition), plus the
/// verdict's logic on workers' finals.
@Suite(.serialized, .removesTemporaryFiles) struct WindowCoverageTests {
    static func sweep(consumers: Int, fault: String?) throws -> (TestSupport.Run, [[String: String]]) {
        let dir = try TestSupport.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let csv = dir + "/run.csv"
        let run = try TestSupport.kbench(
            [
                "sweep", "--partitions", "2", "--consumers", String(consumers), "--duration", "500ms", "--warmup", "100ms",
                "--out", csv, "--no-report",
            ],
            timeout: 60, environment: fault.map { [InjectedFault.environmentVariable: $0] })
        return (run, try TestSupport.csvRows(csv))
    }

    @Test func aLateGoIsFlaggedAndFailsTheTrial() throws {
        let (run, rows) = try Self.sweep(consumers: 2, fault: "delay-go:c02:1000")
        #expect(run.status == 3, "\(run.stderr)")
        #expect(rows.count == 1 && rows[0]["status"] == "failed")
        let skew = try #require(Double(rows[0]["go_skew_ms"] ?? ""), "\(rows)")
        // c02 acts on "go" 1 s after it noticed it; c01 may notice it late on a busy host, never by 500 ms.
        #expect(skew >= 500 && skew > WindowCoverage.maxGoSkewMs, "\(skew)")
        #expect(rows[0]["reason"]?.contains("apart (latest: c02)") == true, "\(rows[0]["reason"] ?? "")")
    }

    @Test func aTrialWithoutFaultsRecordsASkewWithinTheBound() throws {
        let (run, rows) = try Self.sweep(consumers: 2, fault: nil)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(rows.first?["status"] == "ok", "\(rows)")
        let skew = try #require(Double(rows.first?["go_skew_ms"] ?? ""), "\(rows)")
        #expect(skew <= WindowCoverage.maxGoSkewMs)
    }

    @Test func aStalledPartitionFailsTheWindow() throws {
        let (run, rows) = try Self.sweep(consumers: 1, fault: "stall:1")
        #expect(run.status == 3, "\(run.stderr)")
        #expect(rows.count == 1 && rows[0]["status"] == "failed")
        let reason = rows[0]["reason"] ?? ""
        #expect(reason.contains("partition kbench-p2-t0[1] stalled in the window (consumer c01)"), "\(reason)")
        #expect(!reason.contains("kbench-p2-t0[0] stalled"), "\(reason)")
    }

    @Test func partitionsWithoutWindowProgressAreNamed() {
        let a = TopicPartition("t", 0), b = TopicPartition("t", 1), c = TopicPartition("t", 2)
        var f1 = WorkerFinal(consumed: 10, bytes: 0, goNs: 0, doneNs: nil, cpuSeconds: 0, peakRssMib: 0, audits: [], rebalancesAfterGo: 0)
        f1.windowPartitionMessages = [PartitionCount(a, 5), PartitionCount(b, 0)]
        var f2 = f1
        f2.windowPartitionMessages = []
        let problems = WindowCoverage.stalledPartitions(
            assignment: ["c01": [a, b], "c02": [c], "c03": []],
            finals: ["c01": f1, "c02": f2])
        #expect(Array(problems.prefix(2)) == ["partition t[1] stalled in the window (consumer c01)", "partition t[2] stalled in the window (consumer c02)"])
        #expect(problems.count == 3 && problems[2].contains("--duration"))
        #expect(WindowCoverage.stalledPartitions(assignment: ["c01": [a]], finals: ["c01": f1]).isEmpty)
    }

    @Test func skewIsTheSpreadOfGoTimes() {
        #expect(WindowCoverage.goSkewMs([5_000_000, 2_000_000, 152_000_000]) == 150)
        #expect(WindowCoverage.goSkewProblem(150, names: ["c01", "c02", "c03"], goNs: [5, 2, 152])?.contains("latest: c03") == true)
        #expect(WindowCoverage.goSkewProblem(99, names: ["c01"], goNs: [0]) == nil)
    }

    @Test func faultsParse() {
        #expect(InjectedFault(parsing: "delay-go:c02:400") == .delayGo(consumer: "c02", milliseconds: 400))
        #expect(InjectedFault(parsing: "stall:3") == .stall(partition: 3))
        #expect(InjectedFault(parsing: "delay-go:400") == nil)
        #expect(InjectedFault(parsing: "stall:-1") == nil)
        #expect(InjectedFault(parsing: "lose:2") == .lose(2))
    }
}
