import CSupport
import Foundation
import Testing

@testable import KafkaBench

/// Selecting the librdkafka a run uses (`--librdkafka`, `KBENCH_LIBRDKAFKA`), recording it, and the features a
/// newer library adds. These tests run in both passes of `scripts/test` (the system librdkafka, then the
/// provisioned 2.16.0 on `LD_LIBRARY_PATH`): `other` is always the library the test process does not run.
@Suite(.serialized, .removesTemporaryFiles) struct ClientRuntimeTests {
    /// The version `scripts/deps` provisions under `.build/librdkafka/`.
    static let provisioned = "2.16.0"

    /// Debian's librdkafka.so.1 (what kbench builds against), found where the loader would find it.
    static func systemLibrary() throws -> String {
        let candidates =
            ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib")) ?? []).map { "/usr/lib/\($0)/librdkafka.so.1" }
            + ["/usr/lib/librdkafka.so.1", "/usr/local/lib/librdkafka.so.1"]
        return try #require(candidates.first { FileManager.default.fileExists(atPath: $0) }, "no system librdkafka.so.1")
    }

    /// A selection naming the library this test process does not run.
    static func other() throws -> (selection: String, version: String) {
        if LibrdkafkaRuntime.version == provisioned {
            let file = try systemLibrary()
            let version = try #require(try LibrdkafkaSelection.resolve(file)).version.description
            return (file, version)
        }
        try requireProvisioned()
        return (provisioned, provisioned)
    }

    static func requireProvisioned() throws {
        let versions = LibrdkafkaSelection.installedVersions(in: LibrdkafkaSelection.defaultVersionRoots())
        try #require(versions.contains(provisioned), "librdkafka \(provisioned) is not provisioned: run scripts/deps clients")
    }

    @Test func badSelectionsAreRefusedAtOnceSayingWhatIsAccepted() throws {
        let dir = try TestSupport.tempDirectory()
        let notELF = dir + "/text/librdkafka.so.1"
        try FileManager.default.createDirectory(atPath: dir + "/text", withIntermediateDirectories: true)
        try Data("not a library".utf8).write(to: URL(fileURLWithPath: notELF))
        // a real shared library that is not a librdkafka: a copy of the libm this process loaded
        let libm = try #require(kbench_object_defining("cos").map { String(cString: $0) })
        try FileManager.default.createDirectory(atPath: dir + "/libm", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: libm, toPath: dir + "/libm/librdkafka.so.1")
        try FileManager.default.createDirectory(atPath: dir + "/empty", withIntermediateDirectories: true)
        let cases: [(String, String)] = [
            ("/nonexistent/librdkafka.so.1", "no such file or directory"),
            (dir + "/empty", "holds no librdkafka.so.1"),
            (notELF, "cannot be loaded"),
            (dir + "/libm", "is not a librdkafka"),
            ("9.9.9", "librdkafka 9.9.9 is not provisioned under .build/librdkafka/"),
            ("latest", "not a version (like 2.16.0) or a path"),
            (libm, "must be named librdkafka.so.1"),
        ]
        for (selection, expected) in cases {
            let run = try TestSupport.kbench(["sweep", "--librdkafka", selection, "--partitions", "2", "--consumers", "1"], timeout: 20)
            #expect(run.status == 64, "\(selection): \(run.stderr)")
            #expect(run.stderr.contains(expected), "\(selection): \(run.stderr)")
            #expect(run.stderr.contains("give 'system'") || run.stderr.contains("scripts/deps") || run.stderr.contains("librdkafka.so.1"))
            #expect(run.seconds < 5, "\(selection) took \(run.seconds) s")
        }
        // the environment variable is checked the same way
        let run = try TestSupport.kbench(
            ["sweep", "--partitions", "2", "--consumers", "1"], timeout: 20, environment: ["KBENCH_LIBRDKAFKA": "/nonexistent"])
        #expect(run.status == 64 && run.stderr.contains("no such file or directory"), "\(run.stderr)")
    }

    @Test func versionsCompareAsReleases() {
        typealias V = LibrdkafkaRuntime.Version
        #expect(V(number: 0x0200_02ff) == V(2, 0, 2))
        #expect(V(number: 0x0210_00ff).description == "2.16.0")
        #expect(V(2, 0, 2) < V(2, 1, 0) && V(2, 9, 9) < V(2, 10, 0))
        #expect(LibrdkafkaRuntime.isAtLeast(LibrdkafkaRuntime.minimumVersion))
    }

    @Test func theSelectedLibraryIsTheOneEveryRowRecords() throws {
        let other = try Self.other()
        let dir = try TestSupport.tempDirectory()
        for (selection, expected) in [(Optional(other.selection), other.version), (nil, LibrdkafkaRuntime.version)] {
            let csv = dir + "/sweep-\(expected).csv"
            let run = try TestSupport.kbench(
                ["sweep", "--partitions", "2", "--consumers", "1,2", "--duration", "1s", "--warmup", "300ms", "--out", csv, "--no-report"]
                    + (selection.map { ["--librdkafka", $0] } ?? []),
                timeout: 120)
            #expect(run.status == 0, "\(run.stderr)")
            let rows = try TestSupport.csvRows(csv)
            #expect(rows.count == 2)
            #expect(rows.allSatisfy { $0["librdkafka"] == expected }, "\(rows.map { $0["librdkafka"] ?? "?" })")
            let meta = try JSONDecoder().decode(RunMetadata.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/sweep-\(expected).meta.json")))
            #expect(meta.librdkafkaVersion == expected)
            #expect(meta.commandLine.contains(selection ?? "sweep"))
            #expect(meta.settings["embedded_first_rebalance"]?.contains("librdkafka \(expected)") == true, "\(meta.settings)")
        }
    }

    /// A worker that loads another library than the runner is a failed trial naming both versions, never a row
    /// that records the wrong one.
    @Test func aWorkerOnAnotherLibraryFailsItsTrialNamingBothVersions() throws {
        let other = try Self.other()
        let broker = try EmbeddedBroker(brokers: 1)
        defer { broker.shutdown() }
        try broker.createTopic("runtime", partitions: 1)
        let placement = OtherLibraryPlacement(executable: try TestSupport.kbenchPath(), selection: other.selection)
        let group = WorkerGroup(placement: placement, runId: "runtime-test")
        defer { group.killAll() }
        try group.spawn(
            WorkerSpec(
                name: "c01", topics: ["runtime"],
                properties: ["bootstrap.servers": broker.bootstrapServers, "group.id": "runtime-test"],
                work: .none, commit: .auto, mode: .window))
        var failure: String?
        let deadline = Date().addingTimeInterval(20)
        while failure == nil && Date() < deadline { failure = group.fatalError(in: group.pump(timeoutMs: 100)) }
        let text = try #require(failure, "no failure within 20 s")
        #expect(text.contains("librdkafka \(other.version)") && text.contains("librdkafka \(LibrdkafkaRuntime.version)"), "\(text)")
        #expect(group.members.first?.librdkafka == other.version)
    }

    /// What the newer mock adds is used where the loaded library has it: the first rebalance's wait, topic deletion.
    @Test func theEmbeddedBrokerUsesWhatTheLoadedMockOffers() throws {
        let newMock = LibrdkafkaRuntime.isAtLeast(.init(2, 6, 0))
        #expect((MockCapabilities.setInitialRebalanceDelay != nil) == newMock)
        #expect((MockCapabilities.deleteTopic != nil) == LibrdkafkaRuntime.isAtLeast(.init(2, 15, 0)))
        #expect((MockCapabilities.setConsumerGroupSessionTimeout != nil) == LibrdkafkaRuntime.isAtLeast(.init(2, 8, 0)))
        let broker = try EmbeddedBroker(brokers: 1)
        defer { broker.shutdown() }
        #expect(broker.firstRebalanceDelayMs == (newMock ? EmbeddedBroker.initialRebalanceDelayMs : 3_000))
        try broker.createTopic("deleted", partitions: 2)
        let cluster = ClusterConnection(bootstrap: broker.bootstrapServers)
        #expect(try cluster.metadata().topics["deleted"] != nil)
        let deleted = try broker.deleteTopic("deleted")
        #expect(deleted == (MockCapabilities.deleteTopic != nil))
        if deleted { #expect(eventually(timeout: 5) { (try? cluster.metadata().topics["deleted"]) == nil }) }

        // The first join of a new group: it waits the broker's delay before the group forms (a lower bound on
        // 2.0.2's fixed 3 s; on a newer mock the join is done before 3 s have passed).
        let consumer = try KafkaConsumer(
            config: KafkaConfig([
                "bootstrap.servers": broker.bootstrapServers, "group.id": "first-join", "session.timeout.ms": "6000",
                "heartbeat.interval.ms": "500",
            ]), batchSize: 100)
        try broker.createTopic("first-join", partitions: 1)
        let start = MonotonicClock.nanoseconds()
        try consumer.subscribe(["first-join"])
        var assignedMs: Double?
        while assignedMs == nil && MonotonicClock.nanoseconds() - start < 15_000_000_000 {
            consumer.consumeBatch(timeoutMs: 50) { _ in }
            if let change = consumer.takeAssignmentChanges().first(where: { $0.kind == .assigned }) {
                assignedMs = Double(change.atNs - start) / 1e6
            }
        }
        try consumer.close()
        let ms = try #require(assignedMs, "never assigned")
        if newMock {
            #expect(ms < 3_000, "first join took \(ms) ms with a \(broker.firstRebalanceDelayMs) ms delay")
        } else {
            #expect(ms >= 3_000, "first join took \(ms) ms, below 2.0.2's fixed 3 s")
        }
    }
}

/// Starts workers as `env KBENCH_LIBRDKAFKA=<selection> kbench worker`: a worker that selects another library
/// than the runner while the placement expects the runner's.
private struct OtherLibraryPlacement: WorkerPlacement {
    let executable: String
    let selection: String

    func launch(name: String, runId: String) throws(RunError) -> WorkerProcess {
        try WorkerProcess(
            name: name, executable: "/usr/bin/env",
            arguments: ["\(LibrdkafkaSelection.environmentKey)=\(selection)", executable, "worker", "--run-id", runId])
    }

    var description: String { "local, another librdkafka" }
    var expectedLibrdkafka: String? { LibrdkafkaRuntime.version }
}
