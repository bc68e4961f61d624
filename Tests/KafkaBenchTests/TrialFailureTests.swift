import Foundation
import Testing
@testable import KafkaBench

/// The bounds that end a trial that cannot finish: --join-timeout, --trial-timeout, a hung worker, and
/// --fail-fast. Each is run as the kbench command, and each must fail the trial (exit 3) with a reason that says
/// which bound was hit, and leave no worker behind.
@Suite(.serialized, .removesTemporaryFiles) struct TrialFailureTests {
    /// Runs `kbench sweep` with `arguments` (plus --out and --no-report) as a child process, recording its workers.
    static func sweep(_ arguments: [String], fault: String? = nil, timeout: Double = 90)
        throws -> (status: Int32, seconds: Double, rows: [[String: String]], workers: Set<pid_t>, stderr: String)
    {
        let dir = try TestSupport.tempDirectory()
        let csv = dir + "/run.csv", log = dir + "/stderr"
        FileManager.default.createFile(atPath: log, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try TestSupport.kbenchPath())
        p.arguments = ["sweep"] + arguments + ["--out", csv, "--no-report"]
        if let fault {
            p.environment = ProcessInfo.processInfo.environment.merging([InjectedFault.environmentVariable: fault]) { _, n in n }
        }
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle(forWritingAtPath: log)
        let start = Date()
        try p.run()
        defer { if p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() } }
        var workers = Set<pid_t>()
        while p.isRunning && Date().timeIntervalSince(start) < timeout {
            workers.formUnion(TestSupport.children(of: p.processIdentifier))
            usleep(100_000)
        }
        try #require(!p.isRunning, "the sweep did not end within \(timeout) s")
        p.waitUntilExit()
        let seconds = Date().timeIntervalSince(start)
        let stderr = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        let rows = FileManager.default.fileExists(atPath: csv) ? try TestSupport.csvRows(csv) : []
        return (p.terminationStatus, seconds, rows, workers, stderr)
    }

    static func expectNoWorkerLeft(_ workers: Set<pid_t>) {
        #expect(!workers.isEmpty, "no worker process was seen")
        #expect(eventually(timeout: 5) { workers.allSatisfy { !TestSupport.isAlive($0) } },
                "workers still alive: \(workers.filter(TestSupport.isAlive))")
    }

    /// The embedded broker's first rebalance takes 3 s: a 1 s join timeout cannot be met.
    @Test func aGroupThatCannotFormInTimeFailsOnTheJoinTimeout() throws {
        let run = try Self.sweep(["--partitions", "2", "--consumers", "1", "--join-timeout", "1s", "--duration", "500ms",
                                  "--warmup", "100ms"])
        #expect(run.status == 3, "\(run.stderr)")
        #expect(run.rows.count == 1 && run.rows.first?["status"] == "failed", "\(run.rows)")
        #expect(run.rows.first?["reason"]?.contains("--join-timeout") == true, "\(run.rows.first?["reason"] ?? "")")
        #expect(run.seconds < 30, "the join timeout ended the trial after \(run.seconds) s")
        Self.expectNoWorkerLeft(run.workers)
    }

    /// 2000 messages at 5 ms each take 10 s to drain; the trial timeout is 1 s.
    @Test func aDrainLongerThanTheTrialTimeoutFails() throws {
        let run = try Self.sweep(["--mode", "drain", "--trial-timeout", "1s", "--work", "sleep:5ms", "--messages", "2000",
                                  "--partitions", "1", "--consumers", "1"])
        #expect(run.status == 3, "\(run.stderr)")
        #expect(run.rows.count == 1 && run.rows.first?["status"] == "failed", "\(run.rows)")
        #expect(run.rows.first?["reason"]?.contains("--trial-timeout") == true, "\(run.rows.first?["reason"] ?? "")")
        #expect(run.seconds < 30, "the trial timeout ended the trial after \(run.seconds) s")
        Self.expectNoWorkerLeft(run.workers)
    }

    /// A worker stops consuming mid-window and never sends its result (`hang:N`): the runner gives up 10 s after
    /// the window, fails the trial, and still ends that worker.
    @Test func aHungWorkerFailsTheTrialAndIsEnded() throws {
        let run = try Self.sweep(["--partitions", "2", "--consumers", "1", "--duration", "1s", "--warmup", "100ms"],
                                 fault: "hang:50")
        #expect(run.status == 3, "\(run.stderr)")
        #expect(run.rows.count == 1 && run.rows.first?["status"] == "failed", "\(run.rows)")
        #expect(run.rows.first?["reason"]?.contains("sent no result within 10 s after the window (hung?)") == true,
                "\(run.rows.first?["reason"] ?? "")")
        #expect(run.seconds > 10, "the runner waited \(run.seconds) s in all")
        Self.expectNoWorkerLeft(run.workers)
    }

    /// --fail-fast: the first trial fails (an injected loss), so the second point is never run.
    @Test func failFastStopsAtTheFirstFailedTrial() throws {
        let run = try Self.sweep(["--partitions", "2", "--consumers", "1,2", "--duration", "500ms", "--warmup", "100ms",
                                  "--fail-fast"], fault: "lose:10")
        #expect(run.status == 3, "\(run.stderr)")
        #expect(run.rows.count == 1, "two points, one row expected with --fail-fast: \(run.rows)")
        #expect(run.rows.first?["status"] == "failed" && run.rows.first?["consumers"] == "1", "\(run.rows)")
        Self.expectNoWorkerLeft(run.workers)
    }
}
