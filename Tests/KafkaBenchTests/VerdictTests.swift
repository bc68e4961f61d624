import Foundation
import Testing

@testable import KafkaBench

/// The verdicts kbench's numbers rest on, each checked end to end so that breaking it fails a test: an audit
/// finding lost or duplicate messages fails the trial and the sweep's exit code; a rebalance inside the window
/// fails the trial; a SIGKILLed runner leaves no worker behind.
@Suite(.serialized, .removesTemporaryFiles) struct VerdictTests {
    /// A one-trial window sweep whose worker injects `fault` into its audit.
    static func sweepWithFault(_ fault: String, mode: String, consumers: Int = 1) throws -> (TestSupport.Run, [[String: String]]) {
        let dir = try TestSupport.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let csv = dir + "/run.csv"
        let run = try TestSupport.kbench(
            [
                "sweep", "--partitions", "2", "--consumers", String(consumers), "--mode", mode,
                "--out", csv, "--no-report",
            ] + (mode == "drain" ? ["--messages", "600"] : ["--duration", "500ms", "--warmup", "100ms"]),
            timeout: 60, environment: [InjectedFault.environmentVariable: fault])
        return (run, try TestSupport.csvRows(csv))
    }

    @Test(arguments: ["window", "drain"])
    func aLostMessageFailsTheTrialAndTheSweep(mode: String) throws {
        let (run, rows) = try Self.sweepWithFault("lose:100", mode: mode)
        #expect(run.status == 3, "\(run.stderr)")
        #expect(rows.count == 1 && rows[0]["status"] == "failed")
        #expect(rows[0]["lost"] == "1", "\(rows)")
        #expect(rows[0]["reason"]?.contains("1 message(s) lost") == true, "\(rows[0]["reason"] ?? "")")
    }

    @Test(arguments: ["window", "drain"])
    func aDuplicateFailsTheTrialAndTheSweep(mode: String) throws {
        let (run, rows) = try Self.sweepWithFault("duplicate:100", mode: mode)
        #expect(run.status == 3, "\(run.stderr)")
        #expect(rows.count == 1 && rows[0]["status"] == "failed")
        #expect(rows[0]["duplicates"] == "1")
        #expect(rows[0]["reason"]?.contains("consumed more than once") == true, "\(rows[0]["reason"] ?? "")")
    }

    /// Without a fault the same trial is ok and its audit accounts for every message consumed (window mode too:
    /// an audit that recorded nothing could never find a loss). Two consumers, one partition each: in a 500 ms
    /// window one consumer of both partitions would still be on its first fetch of one of them (a stall).
    @Test func aCleanTrialAuditsEveryMessage() throws {
        let (run, rows) = try Self.sweepWithFault("none", mode: "window", consumers: 2)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(rows.first?["status"] == "ok", "\(rows)")
        #expect(Int(rows.first?["consumed"] ?? "") ?? 0 > 0)
    }

    /// A member joins the group while the window runs (kcat, as an outsider would): the group rebalances during
    /// measurement and the trial fails with that reason.
    @Test func aRebalanceDuringTheWindowFailsTheTrial() throws {
        let kcat = try TestSupport.kcatPath()
        let (broker, bootstrap) = try ProcessTests.startBroker(["kbench-p2-t0:2"])
        defer { broker.interrupt(); broker.waitUntilExit() }
        let dir = try TestSupport.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let csv = dir + "/run.csv"
        let sweep = Process()
        sweep.executableURL = URL(fileURLWithPath: try TestSupport.kbenchPath())
        sweep.arguments = [
            "sweep", "--bootstrap", bootstrap, "--partitions", "2", "--consumers", "1", "--duration", "12s",
            "--warmup", "100ms", "--out", csv, "--no-report",
        ]
        let log = dir + "/stderr"
        FileManager.default.createFile(atPath: log, contents: nil)
        sweep.standardError = FileHandle(forWritingAtPath: log)
        sweep.standardOutput = FileHandle.nullDevice
        try sweep.run()
        defer { if sweep.isRunning { kill(sweep.processIdentifier, SIGKILL) } }
        // Wait for the window (the sweep says "measuring"), then join the trial's group from outside.
        #expect(eventually(timeout: 30) { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("measuring") })
        let worker = try #require(TestSupport.children(of: sweep.processIdentifier).first)
        let runId = try #require(TestSupport.runId(ofWorker: worker))
        let group = "kbench-\(runId)-p2-c1-range-r1"
        let intruder = Process()
        intruder.executableURL = URL(fileURLWithPath: kcat)
        intruder.arguments = [
            "-G", group, "-b", bootstrap, "-q", "-o", "end", "-X", "session.timeout.ms=6000",
            "-X", "partition.assignment.strategy=range", "kbench-p2-t0",
        ]
        intruder.standardOutput = FileHandle.nullDevice
        intruder.standardError = FileHandle.nullDevice
        try intruder.run()
        // kcat -G leaves its group on SIGTERM only after a rebalance round; SIGKILL ends it at once
        defer { kill(intruder.processIdentifier, SIGKILL); intruder.waitUntilExit() }
        #expect(eventually(timeout: 60) { !sweep.isRunning })
        sweep.waitUntilExit()
        let rows = try TestSupport.csvRows(csv)
        #expect(sweep.terminationStatus == 3)
        #expect(rows.first?["status"] == "failed")
        #expect(rows.first?["reason"]?.contains("rebalanced") == true, "\(rows.first?["reason"] ?? "")")
    }

    /// A 2-consumer sweep with a 30 s window against an external broker, started as its own process.
    static func startLongSweep(bootstrap: String, dir: String, stderr: FileHandle?) throws -> Process {
        let sweep = Process()
        sweep.executableURL = URL(fileURLWithPath: try TestSupport.kbenchPath())
        sweep.arguments = [
            "sweep", "--bootstrap", bootstrap, "--partitions", "2", "--consumers", "2", "--duration", "30s",
            "--out", dir + "/run.csv", "--no-report",
        ]
        sweep.standardOutput = FileHandle.nullDevice
        sweep.standardError = stderr
        try sweep.run()
        return sweep
    }

    /// SIGKILLs the runner and expects every worker to end within 5 s. The workers are judged from the moment of
    /// the kill (waitUntilExit() first could wait for them to end); survivors are killed so none outlives the test.
    static func killRunnerAndExpectWorkersToEnd(_ sweep: Process, workers: [pid_t]) {
        kill(sweep.processIdentifier, SIGKILL)
        let ended = eventually(timeout: 5) { workers.allSatisfy { !TestSupport.isAlive($0) } }
        let survivors = workers.filter(TestSupport.isAlive)
        for w in survivors { kill(w, SIGKILL) }
        #expect(ended, "workers still alive 5 s after the runner died: \(survivors)")
    }

    /// The runner is SIGKILLed (no chance to clean up) while its workers consume from a broker in another
    /// process: every worker must end on its own (parent-death signal, stdin EOF).
    @Test func aKilledRunnerLeavesNoWorkerBehind() throws {
        let (broker, bootstrap) = try ProcessTests.startBroker(["kbench-p2-t0:2"])
        defer { broker.interrupt(); broker.waitUntilExit() }
        let dir = try TestSupport.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sweep = try Self.startLongSweep(bootstrap: bootstrap, dir: dir, stderr: FileHandle.nullDevice)
        var workers: [pid_t] = []
        #expect(
            eventually(timeout: 20) {
                workers = TestSupport.children(of: sweep.processIdentifier)
                return workers.count == 2
            })
        #expect(!workers.isEmpty)
        Self.killRunnerAndExpectWorkersToEnd(sweep, workers: workers)
        sweep.waitUntilExit()
    }

    /// The same, but the runner is SIGKILLed inside a long window, when a worker writes nothing to its stdout until
    /// the window ends (so a broken pipe would not end it for 30 s): the parent-death signal or stdin EOF must.
    @Test func aRunnerKilledInsideTheWindowLeavesNoWorkerBehind() throws {
        let (broker, bootstrap) = try ProcessTests.startBroker(["kbench-p2-t0:2"])
        defer { broker.interrupt(); broker.waitUntilExit() }
        let dir = try TestSupport.tempDirectory()
        let log = dir + "/stderr"
        FileManager.default.createFile(atPath: log, contents: nil)
        let sweep = try Self.startLongSweep(bootstrap: bootstrap, dir: dir, stderr: FileHandle(forWritingAtPath: log))
        defer { if sweep.isRunning { kill(sweep.processIdentifier, SIGKILL) } }
        let measuring = eventually(timeout: 30) { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("measuring") }
        try #require(measuring, "the window never started: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        let workers = TestSupport.children(of: sweep.processIdentifier)
        #expect(workers.count == 2, "\(workers)")
        Self.killRunnerAndExpectWorkersToEnd(sweep, workers: workers)
        sweep.waitUntilExit()
    }
}
