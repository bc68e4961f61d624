import Foundation
import Testing

@testable import KafkaBench

/// The run layer offline: what a derived run takes from its parent's plan.
@Suite struct RunPlanTests {
    /// Capacity's r1 sweep must measure one consumer on the events, group, properties and placement the trials use:
    /// an r1 measured on 100-byte events on this host would scale a model for 1000-byte events on agents.
    @Test func capacityR1SweepTakesTheParentPlanWhole() throws {
        var c = CapacityConfiguration(partitions: 6, consumers: [2, 4], rate: 100, maxLag: .seconds(5))
        c.valueBytes = 1000
        c.keys = 77
        c.work = .spin(.milliseconds(2))
        c.commit = .sync
        c.assignor = .cooperativeSticky
        c.embeddedBrokers = 3
        c.topicPrefix = "cap-test"
        c.userProperties = ["fetch.min.bytes": "2"]
        c.groupTimers.sessionTimeout = .seconds(9)
        c.joinTimeout = .seconds(44)
        c.agents = AgentSettings(count: 2, key: try AgentKey(text: String(repeating: "k", count: 32), source: "test"))
        let r1 = c.r1Sweep
        #expect(r1.partitions == [6] && r1.consumers == [1])
        #expect(r1.valueBytes == 1000 && r1.keys == 77 && r1.work.description == c.work.description && r1.commit == .sync)
        #expect(r1.assignors == [.cooperativeSticky] && r1.embeddedBrokers == 3 && r1.topicPrefix == "cap-test")
        #expect(r1.userProperties == ["fetch.min.bytes": "2"] && r1.groupTimers == c.groupTimers && r1.joinTimeout == .seconds(44))
        #expect(r1.agents?.count == 2, "the r1 trial runs where the trials run")
        #expect(r1.cleanup, "its topic is deleted like the trials'")
    }
}

/// The run layer live, driven as a library caller drives it (no command line).
@Suite(.serialized, .removesTemporaryFiles) struct RunLayerTests {
    /// Capacity measures r1 with a sweep that is part of the run: same run id, the parent's value size and keys
    /// in its metadata, and its own kind and label.
    @Test func capacityMeasuresR1OnTheTrialsEvents() throws {
        let dir = try TestSupport.tempDirectory()
        var c = CapacityConfiguration(partitions: 2, consumers: [2], rate: 300, maxLag: .seconds(2))
        c.valueBytes = 1000
        c.keys = 50
        c.duration = .seconds(3)
        c.warmup = .seconds(1)
        let runner = try CapacityRunner(
            configuration: c, cluster: try ClusterConnection(embeddedBrokers: 1), csvPath: dir + "/cap.csv", commandLine: "kbench capacity (test)")
        let outcome = try runner.run()
        #expect(outcome.r1 > 0 && outcome.r1Source.contains("cap-r1.csv"), "\(outcome.r1Source)")
        let r1Meta = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/cap-r1.meta.json"))) as? [String: Any]
        let settings = r1Meta?["settings"] as? [String: Any]
        #expect(settings?["value_bytes"] as? String == "1000" && settings?["keys"] as? String == "50", "\(settings ?? [:])")
        #expect(r1Meta?["kind"] as? String == "sweep" && r1Meta?["run_id"] as? String == runner.runId)
        #expect((r1Meta?["command_line"] as? String)?.hasSuffix("(r1 trial)") == true)
        let rows = try TestSupport.csvRows(dir + "/cap.csv")
        #expect(rows.count == 1 && rows.first?["r1"].flatMap(Double.init).map { abs($0 - outcome.r1) < 1 } == true, "\(rows)")
    }
}
