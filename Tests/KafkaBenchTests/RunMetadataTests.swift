import Foundation
import Testing

@testable import KafkaBench

/// `RunMetadata` reads what it writes, every published `Results/*.meta.json`, and the shapes earlier versions wrote;
/// `RunMetadata.Recorded` is what reports see of it.
@Suite(.removesTemporaryFiles) struct RunMetadataTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    static func parse(_ json: String) throws(UsageError) -> RunMetadata { try RunMetadata.parse(Data(json.utf8), source: "m.json") }

    @Test func everyPublishedMetadataFileReadsWithItsKeyFields() throws {
        let dir = Self.root + "/Results"
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".meta.json") }.sorted()
        #expect(files.count >= 20, "only \(files.count) metadata files in \(dir)")
        for file in files {
            let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + file))
            let meta = try RunMetadata.parse(data, source: file)
            // the same fields read without RunMetadata, to check that each lands where it belongs
            let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(file)")
            let host = json["host"] as? [String: Any] ?? [:]
            #expect(!meta.runId.isEmpty && meta.runId == json["run_id"] as? String, "\(file): run_id \(meta.runId)")
            #expect(["sweep", "capacity", "rebalance"].contains(meta.kind), "\(file): kind \(meta.kind)")
            #expect(meta.commandLine.hasPrefix("kbench ") && meta.commandLine == json["command_line"] as? String, "\(file)")
            #expect(!meta.started.isEmpty && meta.started == json["started"] as? String, "\(file)")
            #expect(meta.finished != nil && meta.finished == json["finished"] as? String, "\(file)")
            #expect(!meta.brokerKind.isEmpty && !meta.bootstrap.isEmpty && !meta.status.isEmpty, "\(file)")
            #expect(meta.host.cores > 0 && meta.host.cores == host["cores"] as? Int, "\(file): cores \(meta.host.cores)")
            #expect(meta.host.memoryGib > 0 && meta.host.memoryGib == (host["memoryGib"] as? NSNumber)?.doubleValue, "\(file)")
            #expect(!meta.kbenchVersion.isEmpty && meta.kbenchVersion == json["kbench_version"] as? String, "\(file)")
            #expect(!meta.librdkafkaVersion.isEmpty && meta.librdkafkaVersion == json["librdkafka_version"] as? String, "\(file)")
            #expect(meta.trials > 0 && meta.trials == json["trials"] as? Int && meta.failedTrials == json["failed_trials"] as? Int, "\(file)")
            #expect(meta.settings.count == (json["settings"] as? [String: Any])?.count && meta.settings["work"] != nil, "\(file)")
            #expect(meta.consumerProperties.count == (json["consumer_properties"] as? [String: Any])?.count, "\(file)")
            #expect(meta.cluster != nil, "\(file): the cluster did not read")
            let recorded = RunMetadata.Recorded(meta)
            #expect(recorded.settings == meta.settings.filter { !$0.value.isEmpty }, "\(file)")
            #expect(recorded.commandLine != nil && recorded.brokerKind != nil && recorded.started != nil && recorded.status != nil, "\(file)")
            #expect(recorded.hostCores == meta.host.cores && recorded.work == meta.settings["work"], "\(file)")
            #expect(recorded.kbenchVersion != nil && recorded.librdkafkaVersion != nil, "\(file)")
        }
    }

    @Test func whatIsWrittenReadsBackUnchanged() throws {
        var written = RunMetadata(
            runId: "r1", kind: "sweep", commandLine: "kbench sweep --work 'sleep:1ms'", started: "2026-01-02T03:04:05Z",
            finished: "2026-01-02T04:05:06Z", brokerKind: "embedded", bootstrap: "127.0.0.1:9092", cluster: nil,
            host: RunMetadata.Host(cores: 8, memoryGib: 31.5, os: "Linux", hostname: "h1"),
            consumerProperties: ["fetch.wait.max.ms": "50", "client.rack": ""], settings: ["work": "sleep:1ms", "mode": "window", "note": ""],
            trials: 12,
            failedTrials: 1, status: "completed with failures")
        written.consumerPropertiesSource = "applied"
        written.librdkafkaVersion = "2.16.0"
        let path = TestSupport.tempPath("run.meta.json")
        try written.write(to: path)
        let read = try RunMetadata.parse(Data(contentsOf: URL(fileURLWithPath: path)), source: path)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        #expect(String(decoding: try encoder.encode(read), as: UTF8.self) == String(decoding: try encoder.encode(written), as: UTF8.self))
        #expect(read.kbenchVersion == KBenchVersion.string && read.consumerPropertiesSource == "applied" && read.host.hostname == "h1")
        let recorded = RunMetadata.Recorded(read)
        #expect(recorded.hostMemoryGiB == 31.5 && recorded.mode == "window" && recorded.keyDistribution == nil && !recorded.keysSkewed)
        #expect(read.settings["note"] == "" && recorded.settings["note"] == nil, "an empty setting is kept but not shown as recorded")
    }

    /// The fixture the report tests publish: no run id, a partial host, work and mode in "settings".
    @Test func aPartialFileReadsTopLevelAndSettings() throws {
        let meta = RunMetadata.Recorded(try Self.parse(ReportFixtures.meta))
        #expect(meta.brokerKind == "embedded" && meta.hostCores == 2 && meta.hostMemoryGiB == 7.8)
        #expect(meta.work == "none" && meta.mode == "window" && meta.keyDistribution == "uniform" && !meta.keysSkewed)
        #expect(meta.kbenchVersion == "0.1.0" && meta.librdkafkaVersion == "2.3.0" && meta.status == nil)
        let skewed = RunMetadata.Recorded(try Self.parse(#"{"command_line": "kbench sweep --key-distribution zipf:1.2"}"#))
        #expect(skewed.keysSkewed && skewed.keyDistribution == "zipf:1.2" && skewed.brokerKind == nil)
        let equals = RunMetadata.Recorded(try Self.parse(#"{"command_line": "kbench sweep --key-distribution=zipf:0.9"}"#))
        #expect(equals.keyDistribution == "zipf:0.9")
        // RunMetadata writes memoryGib; files written before the rename say memoryGb or memory_gb for the same GiB figure.
        let host = RunMetadata.currentHost()
        let written = try JSONEncoder().encode(["host": host])
        #expect(RunMetadata.Recorded(try RunMetadata.parse(written, source: "m.json")).hostMemoryGiB == host.memoryGib)
        #expect(try Self.parse(#"{"host": {"memory_gb": 15.6}}"#).host.memoryGib == 15.6)
        #expect(try Self.parse(#"{"host": {"memoryGib": 3.5, "memory_gb": 15.6}}"#).host.memoryGib == 3.5)
    }

    /// Nothing recorded reads as nothing: not as this kbench's or this librdkafka's version, not as 0 cores.
    @Test func anEmptyObjectRecordsNothing() throws {
        let meta = try Self.parse("{}")
        #expect(meta.kbenchVersion.isEmpty && meta.librdkafkaVersion.isEmpty && meta.trials == 0 && meta.settings.isEmpty)
        #expect(RunMetadata.Recorded(meta) == RunMetadata.Recorded())
    }

    @Test func earlierShapesAndWrongTypesRead() throws {
        let meta = try Self.parse(
            #"""
            {"command_line": ["kbench", "sweep", "--work", "sleep:1ms", "it's", 3, null, ""],
             "work": "spin:50us", "mode": "", "key_distribution": "zipf:1.1",
             "settings": {"work": "sleep:1ms", "mode": "drain", "rate": 5000, "ratio": 0.5, "flag": true, "nested": {}, "empty": ""},
             "host": {"cores": "4", "memoryGb": 7.8, "os": 12},
             "trials": "many", "failed_trials": 2, "status": 7, "started": "", "cluster": "oops", "consumer_properties": [1, 2],
             "kbench_version": false, "unknown": {"a": 1}}
            """#)
        #expect(meta.commandLine == #"kbench sweep --work sleep:1ms 'it'\''s' 3"#)
        #expect(meta.settings == ["work": "spin:50us", "mode": "drain", "rate": "5000", "ratio": "0.5", "empty": "", "key_distribution": "zipf:1.1"])
        #expect(meta.host.cores == 4 && meta.host.memoryGib == 7.8 && meta.host.os == "12" && meta.host.hostname == "")
        #expect(meta.trials == 0 && meta.failedTrials == 2 && meta.status == "7" && meta.cluster == nil && meta.consumerProperties.isEmpty)
        let recorded = RunMetadata.Recorded(meta)
        #expect(recorded.work == "spin:50us" && recorded.mode == "drain" && recorded.keyDistribution == "zipf:1.1" && recorded.keysSkewed)
        #expect(recorded.started == nil && recorded.kbenchVersion == nil && recorded.hostCores == 4 && recorded.settings["empty"] == nil)
    }

    @Test func aFileThatIsNoJSONObjectIsRefusedNamingIt() {
        #expect(throws: UsageError("m.json must hold a JSON object")) { try Self.parse("[1, 2]") }
        do {
            _ = try Self.parse("not json")
            Issue.record("text that is not JSON was read")
        } catch {
            #expect(error.message.hasPrefix("m.json is not valid JSON"), "\(error.message)")
        }
    }

    @Test func aCSVWithoutMetadataRecordsNothing() throws {
        let dir = try TestSupport.tempDirectory()
        #expect(try RunMetadata.load(csvPath: dir + "/x.csv") == nil)
        #expect(try RunMetadata.Recorded.load(csvPath: dir + "/x.csv") == RunMetadata.Recorded())
        try #"{"broker_kind": "tansu"}"#.write(toFile: dir + "/x.meta.json", atomically: true, encoding: .utf8)
        #expect(try RunMetadata.Recorded.load(csvPath: dir + "/x.csv").brokerKind == "tansu")
    }
}
