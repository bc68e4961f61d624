import Foundation
import Testing

@testable import KafkaBench

/// The real-cluster code path: `kbench sweep --bootstrap` against `kbench broker` running as its own process,
/// with a `--config` file and `-X` overrides.
@Suite(.serialized, .removesTemporaryFiles) struct RealClusterPathTests {
    static let secrets = ["FAKE-SASL-PASSWORD-4711", "FAKE-KEY-PASSWORD-0815", "FAKE-OAUTH-CONFIG-9999"]

    @Test func sweepThroughBootstrapRecordsClusterFactsAndNeverLeaksSecrets() throws {
        let (broker, bootstrap) = try ProcessTests.startBroker(["kbench-p2-t0:2"])
        defer { broker.interrupt(); broker.waitUntilExit() }
        let dir = try TestSupport.tempDirectory()
        let config = dir + "/client.properties"
        try """
        # a SASL-style profile: the secrets must never reach an output
        sasl.username=kbench-user
        sasl.password=\(Self.secrets[0])
        ssl.key.password=\(Self.secrets[1])

        sasl.oauthbearer.config=\(Self.secrets[2])
        fetch.wait.max.ms=200
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let csv = dir + "/run.csv"
        let run = try TestSupport.kbench(
            [
                "sweep", "--bootstrap", bootstrap, "--config", config, "-X", "fetch.wait.max.ms=50", "-X", "client.id=kbench-test",
                "--partitions", "2", "--consumers", "2", "--duration", "500ms", "--warmup", "200ms", "--cleanup",
                "--out", csv, "--no-report",
            ], timeout: 90)
        #expect(run.status == 0, "\(run.stderr)")
        let rows = try TestSupport.csvRows(csv)
        #expect(rows.count == 1)
        #expect(rows.first?["status"] == "ok", "\(rows.first?["reason"] ?? "")")
        #expect(rows.first?["broker"] == "embedded")

        let metaPath = ResultPaths.metadata(forCSV: csv)
        let meta = try JSONDecoder().decode(RunMetadata.self, from: Data(contentsOf: URL(fileURLWithPath: metaPath)))
        #expect(meta.brokerKind == "embedded librdkafka mock cluster, 2 brokers")
        let cluster = try #require(meta.cluster)
        #expect(cluster.brokers.count == 2)
        #expect(cluster.clusterId?.hasPrefix("mockCluster") == true)
        #expect(cluster.topics["kbench-p2-t0"]?.partitions == 2)
        #expect(cluster.topics["kbench-p2-t0"]?.replicationFactor == 2)
        #expect(meta.librdkafkaVersion == LibrdkafkaRuntime.version)
        // -X wins over the file; both reach the consumers
        #expect(meta.consumerProperties["fetch.wait.max.ms"] == "50")
        #expect(meta.consumerProperties["client.id"] == "kbench-test")
        #expect(meta.consumerProperties["sasl.password"] == "***")
        #expect(meta.consumerProperties["sasl.oauthbearer.config"] == "***")
        // --cleanup on the embedded broker says why it cannot delete
        #expect(run.stderr.contains("cannot delete topics"))

        // not one secret in anything the run wrote or printed
        var written = run.stdout + run.stderr
        for file in try FileManager.default.contentsOfDirectory(atPath: dir) where file != "client.properties" {
            written += (try? String(contentsOfFile: dir + "/" + file, encoding: .utf8)) ?? ""
        }
        #expect(written.contains("kbench-p2-t0"))
        for secret in Self.secrets { #expect(!written.contains(secret), "\(secret) leaked") }
    }

    @Test func existingTopicWithAnotherPartitionCountIsRefused() throws {
        let (broker, bootstrap) = try ProcessTests.startBroker(["kbench-p2-t0:3"])
        defer { broker.interrupt(); broker.waitUntilExit() }
        let run = try TestSupport.kbench(
            [
                "sweep", "--bootstrap", bootstrap, "--partitions", "2", "--consumers", "1",
                "--out", TestSupport.tempPath("x.csv"), "--no-report",
            ], timeout: 30)
        #expect(run.status != 0)
        #expect(run.stderr.contains("kbench-p2-t0 already exists with 3 partitions, but 2 were asked for"))
    }

    @Test func missingTopicOnARemoteEmbeddedBrokerTellsWhichBrokerTopicToAdd() throws {
        let (broker, bootstrap) = try ProcessTests.startBroker([])
        defer { broker.interrupt(); broker.waitUntilExit() }
        let run = try TestSupport.kbench(
            [
                "sweep", "--bootstrap", bootstrap, "--partitions", "4", "--consumers", "1",
                "--topic-prefix", "demo", "--out", TestSupport.tempPath("x.csv"), "--no-report",
            ],
            timeout: 30, environment: ["KBENCH_BOOTSTRAP": "127.0.0.1:1"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("kbench broker --topic demo-p4-t0:4"))
    }

    @Test func bootstrapComesFromTheEnvironment() throws {
        let run = try TestSupport.kbench(
            ["seed", "--topic", "x", "--partitions", "1", "--messages", "1", "--connect-timeout", "2s"],
            timeout: 30, environment: ["KBENCH_BOOTSTRAP": "127.0.0.1:1"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("cannot reach the Kafka cluster at 127.0.0.1:1"))
    }

    @Test func configFileErrorsNameFileAndLine() throws {
        let path = TestSupport.tempPath("bad.properties")
        try "acks=all\nthis line has no equals sign\n".write(toFile: path, atomically: true, encoding: .utf8)
        let run = try TestSupport.kbench(["sweep", "--partitions", "1", "--consumers", "1", "--config", path], timeout: 30)
        #expect(run.status != 0)
        #expect(run.stderr.contains("\(path):2:"))
    }
}
