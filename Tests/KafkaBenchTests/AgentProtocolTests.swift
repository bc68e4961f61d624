import ArgumentParser
import Foundation
import Testing

@testable import KafkaBench
@testable import kbench

/// The agents' control protocol without Kafka: the HMAC against published vectors, what the codec refuses
/// (forged, tampered, replayed, stale, malformed), the spec policy, and the clock translation.
@Suite struct AgentProtocolTests {
    static let key = try! AgentKey(text: "0123456789abcdef-test-key", source: "test")

    @Test func theTagIsHMACSHA256MatchingThePublishedVectors() {
        // RFC 4231 test cases 1, 2 and 6 (a key longer than the block).
        let cases: [(key: [UInt8], message: String, tag: String)] = [
            ([UInt8](repeating: 0x0b, count: 20), "Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
            (Array("Jefe".utf8), "what do ya want for nothing?", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
            (
                [UInt8](repeating: 0xaa, count: 131), "Test Using Larger Than Block-Size Key - Hash Key First",
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
            ),
        ]
        for c in cases {
            let message = Array(c.message.utf8)
            let tag = AgentMAC.tag(message, key: c.key)
            #expect(ControlCodec.hex(tag) == c.tag)
            #expect(AgentMAC.isValid(tag, for: message, key: c.key))
            var flipped = tag
            flipped[31] ^= 0x01
            #expect(!AgentMAC.isValid(flipped, for: message, key: c.key), "a tag with its last bit flipped was accepted")
            #expect(!AgentMAC.isValid(Array(tag.prefix(16)), for: message, key: c.key), "a truncated tag was accepted")
            #expect(!AgentMAC.isValid(tag, for: message + [0x20], key: c.key), "the tag of another message was accepted")
        }
    }

    /// A lease as an agent of an earlier version puts it on the wire; its tag was computed independently of kbench
    /// (any HMAC-SHA256 implementation over the JSON bytes with the test key gives it).
    static let recordedLease =
        "98b76d75b8fd7956a358c1235527b67c57a3a554385d609f290f221b28690ca3."
        + #"{"expiresAtMs":1700000030000,"from":"runner","issuedAtMs":1700000000000,"kind":"lease","leaseMs":5000,"#
        + #""nonce":"00112233445566778899aabbccddeeff","run":"r1","to":"a1"}"#

    @Test func theWireFormatIsUnchanged() throws {
        var m = ControlMessage(
            kind: .lease, run: "r1", from: "runner", to: "a1", nonce: "00112233445566778899aabbccddeeff", issuedAtMs: 1_700_000_000_000,
            expiresAtMs: 1_700_000_030_000)
        m.leaseMs = 5_000
        let codec = ControlCodec(key: Self.key)
        #expect(String(decoding: codec.encode(m), as: UTF8.self) == Self.recordedLease)
        codec.nowMs = { 1_700_000_001_000 }
        let read = try codec.decode(Array(Self.recordedLease.utf8)).get()
        #expect(read.kind == .lease && read.leaseMs == 5_000 && read.to == "a1" && read.issuedAtMs == 1_700_000_000_000)
    }

    static func lease(_ codec: ControlCodec) -> ControlMessage {
        var m = codec.make(.lease, run: "r1", from: "runner", to: "a1")
        m.leaseMs = 5_000
        return m
    }

    @Test func anAuthenticMessageIsAcceptedOnceAndItsReplayRefused() throws {
        let codec = ControlCodec(key: Self.key)
        let wire = codec.encode(Self.lease(codec))
        let reader = ControlCodec(key: Self.key)
        let first = try reader.decode(wire).get()
        #expect(first.kind == .lease && first.leaseMs == 5_000 && first.to == "a1")
        guard case .failure(let replay) = reader.decode(wire) else { Issue.record("a replay was accepted"); return }
        #expect(replay.reason.contains("replayed"))
    }

    @Test func forgedTamperedStaleAndMalformedMessagesAreRefused() throws {
        let codec = ControlCodec(key: Self.key)
        let reader = ControlCodec(key: Self.key)
        let forger = ControlCodec(key: try AgentKey(text: "another-key-of-enough-length", source: "test"))
        func reason(_ wire: [UInt8]) -> String {
            if case .failure(let r) = reader.decode(wire) { return r.reason }
            return "accepted"
        }
        #expect(reason(forger.encode(Self.lease(forger))).contains("forged"))
        var tampered = codec.encode(Self.lease(codec))
        let i = tampered.lastIndex(of: UInt8(ascii: "5"))!  // leaseMs 5000 → 9000
        tampered[i] = UInt8(ascii: "9")
        #expect(reason(tampered).contains("forged"))
        codec.nowMs = { Int64(Date().timeIntervalSince1970 * 1000) - 120_000 }
        #expect(reason(codec.encode(Self.lease(codec))).contains("stale"))
        codec.nowMs = { Int64(Date().timeIntervalSince1970 * 1000) + 120_000 }
        #expect(reason(codec.encode(Self.lease(codec))).contains("future"))
        #expect(reason(Array("{\"kind\":\"spawn\"}".utf8)).contains("malformed"))
        let json = Array("{\"kind\":\"spawn\",\"run\":\"r1\"".utf8)
        #expect(reason(Array(ControlCodec.hex(Self.key.tag(json)).utf8) + [0x2e] + json).contains("malformed"))
    }

    static func spec(_ properties: [String: String] = [:]) -> WorkerSpec {
        let props = ConsumerProperties(cluster: KafkaConfig(["bootstrap.servers": "b:9092", "sasl.password": "hunter2"]), embedded: false, commit: .auto)
            .forGroup("kbench-r1-p6-c3-range-r1", assignor: .range)
        return WorkerSpec(
            name: "c01", topics: ["kbench-p6-t0"], properties: props.merging(properties) { _, n in n }, work: .sleep(.milliseconds(1)),
            commit: .auto, mode: .window)
    }

    @Test func theRunnersSpecPassesTheAgentsChecksOnlyWithoutAgentOwnedProperties() {
        let sent = WorkerSpecPolicy.stripped(Self.spec())
        #expect(WorkerSpecPolicy.problem(with: sent) == nil)
        #expect(sent.properties["bootstrap.servers"] == nil && sent.properties["sasl.password"] == nil)
        #expect(WorkerSpecPolicy.problem(with: Self.spec())?.contains("may not come from the control topic") == true)
    }

    @Test(arguments: [
        "plugin.library.paths", "sasl.kerberos.kinit.cmd", "ssl.key.location", "ssl.ca.location", "ssl.engine.location",
        "sasl.kerberos.keytab", "sasl.password", "ssl.key.password", "bootstrap.servers", "security.protocol", "Bad-Key",
    ])
    func propertiesThatNameFilesCommandsCredentialsOrTheConnectionAreRefused(key: String) {
        var s = WorkerSpecPolicy.stripped(Self.spec())
        s.properties[key] = "/tmp/evil.so"
        #expect(WorkerSpecPolicy.problem(with: s) != nil, "\(key) was accepted")
    }

    /// Properties outside the `sasl.`/`ssl.`/`plugin.` prefixes that still name a file or a callback: only the
    /// suffix rule stops them, so none of these may pass while a harmless property does.
    @Test(arguments: [
        "offset.store.path", "https.ca.location", "log.file", "offset.store.directory", "interceptor.library.paths", "kinit.cmd",
        "oauth.keytab", "rebalance_cb",
    ])
    func propertiesNamingFilesBySuffixAreRefusedByName(key: String) {
        var s = WorkerSpecPolicy.stripped(Self.spec())
        s.properties["fetch.wait.max.ms"] = "50"
        #expect(WorkerSpecPolicy.problem(with: s) == nil, "a harmless property was refused")
        s.properties[key] = "/tmp/x"
        let problem = WorkerSpecPolicy.problem(with: s)
        #expect(problem?.contains("property \(key) may not come from the control topic") == true, "\(key): \(problem ?? "accepted")")
        #expect(WorkerSpecPolicy.stripped(s).properties[key] == nil, "the runner would send \(key)")
    }

    @Test func badNamesTopicsAndValuesAreRefused() {
        var s = WorkerSpecPolicy.stripped(Self.spec())
        s.name = "../../bin/sh"
        #expect(WorkerSpecPolicy.problem(with: s)?.contains("worker name") == true)
        s = WorkerSpecPolicy.stripped(Self.spec())
        s.topics = ["a;rm -rf /"]
        #expect(WorkerSpecPolicy.problem(with: s)?.contains("topic") == true)
        s = WorkerSpecPolicy.stripped(Self.spec())
        s.properties["client.id"] = "x\ny"
        #expect(WorkerSpecPolicy.problem(with: s)?.contains("control characters") == true)
    }

    @Test func timesTranslateThroughTheAnchorBothWays() {
        let anchor = ClockAnchor(runnerNs: 5_000_000_000, localNs: 1_000_000_000)
        let go = anchor.toLocal(RunnerCommand(cmd: .go, windowStartNs: 5_500_000_000, windowEndNs: 9_500_000_000))
        #expect(go.windowStartNs == 1_500_000_000 && go.windowEndNs == 5_500_000_000)
        var ev = WorkerEvent(event: .final, t: 2_000_000_000)
        ev.final = WorkerFinal(
            consumed: 1, bytes: 1, goNs: 1_000_000_100, doneNs: 1_900_000_000, cpuSeconds: 0, peakRssMib: nil, audits: [], rebalancesAfterGo: 0)
        // two messages, LiveSampleLayout's five values each: only the times move (a stale width once shifted a
        // partition and an offset instead, and the runner crashed on the partition)
        ev.samples = [0, 7, 1_200_000, 33, 9 << 32 | 4, 1, 8, 1_300_000, 40, 9 << 32 | 5]
        let back = anchor.toRunner(ev)
        #expect(back.t == 6_000_000_000 && back.final?.goNs == 5_000_000_100 && back.final?.doneNs == 5_900_000_000)
        #expect(back.samples == [0, 7, 5_200_000, 33, 9 << 32 | 4, 1, 8, 5_300_000, 40, 9 << 32 | 5])
    }

    @Test func keysComeFromAFileOrTheEnvironmentAndMustBeLongEnough() throws {
        #expect(throws: UsageError.self) { try AgentKey(text: "short\n", source: "test") }
        do {
            _ = try AgentKey.load(file: nil, environment: [:])
            Issue.record("no key was accepted")
        } catch {
            #expect(error.message.contains("--agent-key-file") && error.message.contains("never accepted as a command-line value"))
        }
        let k = try AgentKey.load(file: nil, environment: [AgentKey.environmentVariable: "0123456789abcdef0123"])
        #expect(k.bytes.count == 20)
    }

    @Test func sweepAgentOptionsAreChecked() throws {
        #expect(throws: (any Error).self) { try SweepCommand.parseAsRoot(["--partitions", "2", "--consumers", "2", "--placement", "pack"]) }
        #expect(throws: (any Error).self) { try SweepCommand.parseAsRoot(["--partitions", "2", "--consumers", "2", "--agents", "0"]) }
        #expect(throws: (any Error).self) {
            try SweepCommand.parseAsRoot(["--partitions", "2", "--consumers", "2", "--agents", "2", "--placement", "scatter"])
        }
    }
}
