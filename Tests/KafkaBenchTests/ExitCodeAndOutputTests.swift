import Foundation
import Testing

@testable import KafkaBench

/// What a user sees when something goes wrong: a usage mistake (64, with the usage block), a runtime failure (1,
/// the message alone, no file left behind), and metadata that records what the consumers really applied.
@Suite(.serialized, .removesTemporaryFiles) struct ExitCodeAndOutputTests {
    @Test func usageMistakeExits64WithTheUsageBlock() throws {
        let run = try TestSupport.kbench(["sweep", "--partitions", "2", "--consumers", "1", "--work", "bogus"], timeout: 20)
        #expect(run.status == 64)
        #expect(run.stderr.contains("invalid work model 'bogus'"), "\(run.stderr)")
        #expect(run.stderr.contains("Usage: kbench sweep"), "\(run.stderr)")
    }

    @Test func unreachableBrokerExits1WithoutUsageAndLeavesNoFile() throws {
        let dir = try TestSupport.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let run = try TestSupport.kbench(
            [
                "sweep", "--bootstrap", "127.0.0.1:1", "--connect-timeout", "1s", "--partitions", "1", "--consumers", "1",
                "--out", dir + "/run.csv", "--no-report",
            ], timeout: 30)
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("127.0.0.1:1") || run.stderr.contains("no answer within"), "\(run.stderr)")
        #expect(!run.stderr.contains("Usage:"), "\(run.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty, "files left behind")
    }

    @Test func invalidPropertyExits1AndLeavesNoFile() throws {
        let dir = try TestSupport.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let run = try TestSupport.kbench(
            [
                "sweep", "-X", "fetch.wait.max.ms=soon", "--partitions", "1", "--consumers", "1", "--out", dir + "/run.csv", "--no-report",
            ], timeout: 30)
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("fetch.wait.max.ms"), "\(run.stderr)")
        #expect(!run.stderr.contains("Usage:"), "\(run.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty, "files left behind")
    }

    @Test func existingOutputAndUnreadableCSVAreRuntimeFailures() throws {
        let dir = try TestSupport.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let existing = dir + "/taken.csv"
        try "keep me\n".write(toFile: existing, atomically: true, encoding: .utf8)
        let sweep = try TestSupport.kbench(["sweep", "--partitions", "1", "--consumers", "1", "--out", existing], timeout: 30)
        #expect(sweep.status == 1 && sweep.stderr.contains("already exists") && !sweep.stderr.contains("Usage:"), "\(sweep.stderr)")
        #expect(try String(contentsOfFile: existing, encoding: .utf8) == "keep me\n")
        let rebalance = try TestSupport.kbench(
            [
                "rebalance", "--partitions", "2", "--consumers", "1", "--script", "join@1s",
                "--duration", "2s", "--out", existing,
            ], timeout: 30)
        #expect(rebalance.status == 1 && rebalance.stderr.contains("already exists"), "\(rebalance.stderr)")
        let report = try TestSupport.kbench(["report", dir + "/missing.csv"], timeout: 20)
        #expect(report.status == 1 && !report.stderr.contains("Usage:"), "\(report.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["taken.csv"])
    }

    /// A file the run would write beside its CSV (metadata, a rebalance's events) is refused as the CSV is, before
    /// anything runs, and kept as it was: kbench used to overwrite them, or delete the metadata while checking.
    @Test func anExistingCompanionFileIsRefusedAndKept() throws {
        let dir = try TestSupport.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (name, args) in [
            ("sweep.meta.json", ["sweep", "--partitions", "1", "--consumers", "1", "--out", dir + "/sweep.csv"]),
            (
                "rebalance-events.csv",
                ["rebalance", "--partitions", "2", "--consumers", "1", "--script", "join@1s", "--duration", "2s", "--out", dir + "/rebalance.csv"]
            ),
            (
                "capacity-timeseries.csv",
                ["capacity", "--partitions", "1", "--consumers", "1", "--rate", "100", "--max-lag", "5s", "--out", dir + "/capacity.csv"]
            ),
        ] {
            try "keep me\n".write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
            let run = try TestSupport.kbench(args, timeout: 30)
            #expect(run.status == 1 && run.stderr.contains("\(name) already exists"), "\(args[0]): \(run.stderr)")
            #expect(try String(contentsOfFile: dir + "/" + name, encoding: .utf8) == "keep me\n")
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == [name], "\(args[0]) left files behind")
            try FileManager.default.removeItem(atPath: dir + "/" + name)
        }
    }

    /// The metadata's consumer properties are exactly what a worker reports it applied: kbench's client defaults
    /// (log_level), the commit mode's and the loop's own keys included, the user's -X on top, secrets masked.
    @Test func metadataRecordsThePropertiesTheWorkersApplied() throws {
        let dir = try TestSupport.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let csv = dir + "/run.csv"
        let user = ["client.id": "kbench-props", "sasl.password": "NOT-IN-ANY-OUTPUT-1234"]
        let run = try TestSupport.kbench(
            ["sweep", "--partitions", "1", "--consumers", "1", "--duration", "300ms", "--warmup", "100ms", "--out", csv, "--no-report"]
                + user.flatMap { ["-X", "\($0.key)=\($0.value)"] }, timeout: 60)
        #expect(run.status == 0, "\(run.stderr)")
        let meta = try JSONDecoder().decode(RunMetadata.self, from: Data(contentsOf: URL(fileURLWithPath: ResultPaths.metadata(forCSV: csv))))
        #expect(meta.consumerPropertiesSource?.hasPrefix("applied") == true)
        let recorded = meta.consumerProperties
        #expect(recorded["log_level"] == "2" && recorded["enable.partition.eof"] == "true" && recorded["enable.auto.commit"] == "true")
        #expect(recorded["client.id"] == "kbench-props" && recorded["sasl.password"] == Secrets.mask)

        // An independent worker given the same configuration reports the same properties.
        let cluster = KafkaConfig(user).merging(["bootstrap.servers": "127.0.0.1:9"])
        let properties = ConsumerProperties(cluster: cluster, embedded: true, mode: SweepConfiguration.standard.consumerModeProperties, commit: .auto)
            .forGroup("g", assignor: .range)
        let spec = WorkerSpec(name: "c01", topics: ["t"], properties: properties, work: .none, commit: .auto, mode: .window)
        let group = WorkerGroup(placement: try LocalPlacement(), runId: "props")
        defer { group.killAll() }
        try group.spawn(spec)
        #expect(
            eventually(timeout: 10) {
                group.pump(timeoutMs: 50); return group.members[0].appliedProperties != nil
            })
        let reported = try #require(group.members[0].appliedProperties)
        let perRun: Set<String> = ["bootstrap.servers", "group.id", "partition.assignment.strategy"]
        #expect(recorded.filter { !perRun.contains($0.key) } == reported.filter { !perRun.contains($0.key) })
        let text = try String(contentsOfFile: ResultPaths.metadata(forCSV: csv), encoding: .utf8) + run.stderr + run.stdout
        #expect(!text.contains("NOT-IN-ANY-OUTPUT-1234"))
    }

    /// `KBENCH_WORKER_LOG_DIR` keeps each worker's whole stderr: with `-X debug=cgrp` that is librdkafka's own account
    /// of the group, which a trial's failure reason only quotes the end of.
    @Test func workerLogsKeepLibrdkafkasDebugLines() throws {
        let dir = try TestSupport.tempDirectory()
        let run = try TestSupport.kbench(
            [
                "sweep", "--partitions", "1", "--consumers", "1", "--duration", "300ms", "--warmup", "100ms", "-X", "debug=cgrp",
                "--out", dir + "/s.csv", "--no-report",
            ], timeout: 90, environment: [WorkerProcess.logDirectoryVariable: dir + "/logs"])
        #expect(run.status == 0, "\(run.stderr)")
        let logs = (try? FileManager.default.contentsOfDirectory(atPath: dir + "/logs")) ?? []
        let c01 = try #require(logs.first { $0.hasPrefix("c01-") && $0.hasSuffix(".log") }, "\(logs)")
        let text = try String(contentsOfFile: dir + "/logs/" + c01, encoding: .utf8)
        #expect(text.contains("CGRP"), "\(text.prefix(500))")
    }
}
