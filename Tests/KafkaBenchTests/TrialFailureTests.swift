import Foundation
import Testing

@testable import KafkaBench

/// The bounds that end a trial that cannot finish: --join-timeout, --trial-timeout, a hung worker, and
/// --fail-fast. Each is run as the kbench command, and each must fail the trial (exit 3) with a reason that says
/// which bound was hit, and leave no worker behind (checked by `sweep`).
@Suite(.serialized, .removesTemporaryFiles) struct TrialFailureTests {
    /// Runs `kbench sweep` with `arguments` (plus --out and --no-report) as a child process, recording its workers,
    /// and checks that none of them outlives it.
    static func sweep(
        _ arguments: [String], fault: String? = nil, timeout: Double = 90,
        sourceLocation: SourceLocation = #_sourceLocation
    )
        throws -> (status: Int32, seconds: Double, rows: [[String: String]], stderr: String)
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
        var workers = Set<pid_t>()
        while TestSupport.isAlive(p.processIdentifier) && Date().timeIntervalSince(start) < timeout {
            workers.formUnion(TestSupport.children(of: p.processIdentifier))
            usleep(100_000)
        }
        let ended = !TestSupport.isAlive(p.processIdentifier)
        if !ended { kill(p.processIdentifier, SIGKILL) }
        let seconds = Date().timeIntervalSince(start)
        let survivors = TestSupport.killSurvivors(workers)
        p.waitUntilExit()
        try #require(ended, "the sweep did not end within \(timeout) s", sourceLocation: sourceLocation)
        #expect(!workers.isEmpty, "no worker process was seen", sourceLocation: sourceLocation)
        #expect(survivors.isEmpty, "workers still alive 5 s after the sweep ended: \(survivors)", sourceLocation: sourceLocation)
        let stderr = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        let rows = FileManager.default.fileExists(atPath: csv) ? try TestSupport.csvRows(csv) : []
        return (p.terminationStatus, seconds, rows, stderr)
    }

    /// The embedded broker's first rebalance takes 3 s: a 1 s join timeout cannot be met.
    @Test func aGroupThatCannotFormInTimeFailsOnTheJoinTimeout() throws {
        let run = try Self.sweep([
            "--partitions", "2", "--consumers", "1", "--join-timeout", "1s", "--duration", "500ms",
            "--warmup", "100ms",
        ])
        #expect(run.status == 3, "\(run.stderr)")
        #expect(run.rows.count == 1 && run.rows.first?["status"] == "failed", "\(run.rows)")
        #expect(run.rows.first?["reason"]?.contains("--join-timeout") == true, "\(run.rows.first?["reason"] ?? "")")
        #expect(run.seconds < 30, "the join timeout ended the trial after \(run.seconds) s")
    }

    /// 2000 messages at 5 ms each take 10 s to drain; the trial timeout is 1 s.
    @Test func aDrainLongerThanTheTrialTimeoutFails() throws {
        let run = try Self.sweep([
            "--mode", "drain", "--trial-timeout", "1s", "--work", "sleep:5ms", "--messages", "2000",
            "--partitions", "1", "--consumers", "1",
        ])
        #expect(run.status == 3, "\(run.stderr)")
        #expect(run.rows.count == 1 && run.rows.first?["status"] == "failed", "\(run.rows)")
        #expect(run.rows.first?["reason"]?.contains("--trial-timeout") == true, "\(run.rows.first?["reason"] ?? "")")
        #expect(run.seconds < 30, "the trial timeout ended the trial after \(run.seconds) s")
    }

    /// A worker stops consuming mid-window and never sends its result (`hang:N`): the runner gives up 10 s after
    /// the window, fails the trial, and still ends that worker.
    @Test func aHungWorkerFailsTheTrialAndIsEnded() throws {
        let run = try Self.sweep(
            ["--partitions", "2", "--consumers", "1", "--duration", "1s", "--warmup", "100ms"],
            fault: "hang:50")
        #expect(run.status == 3, "\(run.stderr)")
        #expect(run.rows.count == 1 && run.rows.first?["status"] == "failed", "\(run.rows)")
        #expect(
            run.rows.first?["reason"]?.contains("sent no result within 10 s after the window (hung?)") == true,
            "\(run.rows.first?["reason"] ?? "")")
        #expect(run.seconds > 10, "the runner waited \(run.seconds) s in all")
    }

    /// --fail-fast: the first trial fails (an injected loss), so the second point is never run.
    @Test func failFastStopsAtTheFirstFailedTrial() throws {
        let run = try Self.sweep(
            [
                "--partitions", "2", "--consumers", "1,2", "--duration", "500ms", "--warmup", "100ms",
                "--fail-fast",
            ], fault: "lose:10")
        #expect(run.status == 3, "\(run.stderr)")
        #expect(run.rows.count == 1, "two points, one row expected with --fail-fast: \(run.rows)")
        #expect(run.rows.first?["status"] == "failed" && run.rows.first?["consumers"] == "1", "\(run.rows)")
    }
}
