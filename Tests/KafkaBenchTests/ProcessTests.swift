import Foundation
import Testing

@testable import KafkaBench

/// The kbench binary as users run it: broker + seed read back by kcat, faults, signals, bad input.
@Suite(.serialized, .removesTemporaryFiles) struct ProcessTests {
    /// Starts `kbench broker` and returns it with its bootstrap address.
    static func startBroker(_ topics: [String]) throws -> (Process, String) {
        let dir = try TestSupport.tempDirectory()
        let file = dir + "/bootstrap"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try TestSupport.kbenchPath())
        p.arguments = ["broker", "--embedded-brokers", "2", "--bootstrap-file", file] + topics.flatMap { ["--topic", $0] }
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        guard eventually(timeout: 10, { FileManager.default.fileExists(atPath: file) }),
            let text = try? String(contentsOfFile: file, encoding: .utf8)
        else {
            p.terminate()
            throw UsageError("kbench broker did not write its bootstrap file")
        }
        return (p, text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test func seedIsReadBackByKcatOnMurmur2Partitions() throws {
        let kcat = try TestSupport.kcatPath()
        let (broker, bootstrap) = try Self.startBroker(["user-events:8"])
        defer { broker.interrupt(); broker.waitUntilExit() }
        let seed = try TestSupport.kbench([
            "seed", "--bootstrap", bootstrap, "--topic", "user-events", "--partitions", "8",
            "--messages", "20000", "--keys", "2000",
        ])
        #expect(seed.status == 0, "\(seed.stderr)")
        #expect(seed.stdout.contains("delivered 20000 of 20000"))
        let read = try TestSupport.run(kcat, ["-C", "-b", bootstrap, "-t", "user-events", "-e", "-q", "-f", "%p %k\\n"], timeout: 30)
        let lines = read.stdout.split(separator: "\n")
        #expect(lines.count == 20_000)
        var wrong = 0
        for line in lines {
            let parts = line.split(separator: " ")
            if Int32(parts[0]) != Murmur2.partition(forKey: String(parts[1]), partitions: 8) { wrong += 1 }
        }
        #expect(wrong == 0)
        // an independent producer (kcat with librdkafka's murmur2_random) places keys where kbench predicts
        let input = (0..<200).map { "user-\($0)\tv" }.joined(separator: "\n") + "\n"
        let inFile = TestSupport.tempPath("keys")
        try input.write(toFile: inFile, atomically: true, encoding: .utf8)
        let produced = try TestSupport.run(
            "/bin/sh",
            [
                "-c",
                "\(kcat) -P -b \(bootstrap) -t user-events -K '\t' -X partitioner=murmur2_random < \(inFile) && \(kcat) -C -b \(bootstrap) -t user-events -e -q -f '%p %k\\n' -o -20000",
            ], timeout: 30)
        #expect(produced.status == 0, "\(produced.stderr)")
        let kcatLines = produced.stdout.split(separator: "\n").filter { $0.hasSuffix("user-1") || $0.hasSuffix("user-150") }
        #expect(!kcatLines.isEmpty)
        for line in produced.stdout.split(separator: "\n") {
            let parts = line.split(separator: " ")
            #expect(Int32(parts[0]) == Murmur2.partition(forKey: String(parts[1]), partitions: 8), "\(line)")
        }
    }

    @Test func brokerStopsCleanlyOnSigint() throws {
        let (broker, _) = try Self.startBroker(["a:2"])
        broker.interrupt()
        #expect(eventually(timeout: 5) { !broker.isRunning })
        broker.waitUntilExit()
        #expect(broker.terminationStatus == 0)
    }

    @Test func seedRefusesAMissingEmbeddedTopicAndAWrongPartitionCount() throws {
        let (broker, bootstrap) = try Self.startBroker(["present:4"])
        defer { broker.interrupt(); broker.waitUntilExit() }
        let missing = try TestSupport.kbench(["seed", "--bootstrap", bootstrap, "--topic", "absent", "--partitions", "4", "--messages", "10"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("kbench broker --topic absent:4"))
        let wrong = try TestSupport.kbench(["seed", "--bootstrap", bootstrap, "--topic", "present", "--partitions", "6", "--messages", "10"])
        #expect(wrong.status != 0)
        #expect(wrong.stderr.contains("already exists with 4 partitions"))
        let tooBig = try TestSupport.kbench(["seed", "--bootstrap", bootstrap, "--topic", "present", "--partitions", "4", "--messages", "1000000"])
        #expect(tooBig.status != 0)
        #expect(tooBig.stderr.contains("do not fit the embedded broker"))
    }

    @Test func unreachableBrokerAndUnwritableOutputFailFast() throws {
        let unreachable = try TestSupport.kbench(
            [
                "sweep", "--partitions", "2", "--consumers", "1", "--bootstrap", "127.0.0.1:1",
                "--connect-timeout", "3s", "--out", TestSupport.tempPath("x.csv"),
            ], timeout: 30)
        #expect(unreachable.status != 0)
        #expect(unreachable.stderr.contains("cannot reach the Kafka cluster at 127.0.0.1:1"))
        #expect(unreachable.seconds < 10)
        let unwritable = try TestSupport.kbench(["sweep", "--partitions", "2", "--consumers", "1", "--out", "/proc/kbench/x.csv"], timeout: 30)
        #expect(unwritable.status != 0)
        #expect(unwritable.stderr.contains("cannot write results to /proc/kbench/x.csv"))
        #expect(unwritable.seconds < 5)
    }

    @Test func sigintEndsEveryWorkerAndKeepsFinishedRows() throws {
        let dir = try TestSupport.tempDirectory()
        let csv = dir + "/s.csv"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try TestSupport.kbenchPath())
        p.arguments = ["sweep", "--partitions", "2", "--consumers", "1,3", "--duration", "1s", "--warmup", "200ms", "--out", csv, "--no-report"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        defer { if p.isRunning { kill(p.processIdentifier, SIGKILL) } }
        // wait for the first row, then for the second trial's three workers
        #expect(eventually(timeout: 30) { ((try? TestSupport.csvRows(csv)) ?? []).count == 1 })
        var workers: [pid_t] = []
        #expect(
            eventually(timeout: 15) {
                workers = TestSupport.children(of: p.processIdentifier)
                return workers.count == 3
            })
        kill(p.processIdentifier, SIGINT)
        let ended = eventually(timeout: 10) { !TestSupport.isAlive(p.processIdentifier) }
        if !ended { kill(p.processIdentifier, SIGKILL) }
        #expect(ended, "the sweep did not end within 10 s of SIGINT")
        #expect(TestSupport.killSurvivors(workers, grace: 1).isEmpty, "workers survived")
        p.waitUntilExit()
        #expect(p.terminationStatus == 130)
        #expect(try TestSupport.csvRows(csv).count == 1)
    }

    @Test func aCrashedWorkerFailsItsTrialAndTheSweepGoesOn() throws {
        let dir = try TestSupport.tempDirectory()
        let csv = dir + "/s.csv"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try TestSupport.kbenchPath())
        p.arguments = [
            "sweep", "--partitions", "2", "--consumers", "2", "--repeat", "2", "--duration", "2s", "--warmup", "200ms",
            "--out", csv, "--no-report",
        ]
        let log = dir + "/stderr"
        FileManager.default.createFile(atPath: log, contents: nil)
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle(forWritingAtPath: log)
        try p.run()
        defer { if p.isRunning { kill(p.processIdentifier, SIGKILL) } }
        // Wait for the first trial's window: the sweep's progress line says "measuring" once the barrier released.
        let measuring = eventually(timeout: 30) { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("measuring") }
        try #require(measuring, "the first trial never started measuring: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        let workers = TestSupport.children(of: p.processIdentifier)
        #expect(workers.count == 2, "\(workers)")
        let victim = try #require(workers.first, "no worker process to kill")
        kill(victim, SIGKILL)
        var all = Set(workers)
        let ended = eventually(timeout: 60) {
            all.formUnion(TestSupport.children(of: p.processIdentifier))
            return !TestSupport.isAlive(p.processIdentifier)
        }
        if !ended { kill(p.processIdentifier, SIGKILL) }
        #expect(ended, "the sweep did not end within 60 s")
        #expect(TestSupport.killSurvivors(all, grace: 2).isEmpty, "workers survived")
        p.waitUntilExit()
        #expect(p.terminationStatus == 3, "a completed sweep with a failed trial exits 3")
        let rows = try TestSupport.csvRows(csv)
        #expect(rows.count == 2)
        #expect(rows.first?["status"] == "failed")
        #expect(rows.first?["reason"]?.contains("killed by signal 9") == true, "\(rows.first?["reason"] ?? "")")
        #expect(rows.last?["status"] == "ok")
    }
}
