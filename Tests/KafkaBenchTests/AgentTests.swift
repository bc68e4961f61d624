import Foundation
import Testing

@testable import KafkaBench

/// Agents as separate `kbench agent` processes against a `kbench broker`, on this one machine: the control topic
/// refuses what is not authentic, a sweep over three agents agrees with a local one, a killed agent fails only
/// its trial, and a killed runner leaves no worker behind once its lease runs out.
@Suite(.serialized, .removesTemporaryFiles) struct AgentTests {
    /// A broker, a key file and agents, each agent logging to its own file.
    final class Fleet {
        let broker: Process
        let bootstrap: String
        let dir: String
        let keyFile: String
        private(set) var agents: [(name: String, process: Process, log: String)] = []

        init(agents count: Int, topics: [String], slots: Int = 2, agentArguments: [String] = []) throws {
            (broker, bootstrap) = try ProcessTests.startBroker(topics)
            dir = try TestSupport.tempDirectory()
            keyFile = dir + "/key"
            try "kbench-test-key-\(UUID().uuidString)\n".write(toFile: keyFile, atomically: true, encoding: .utf8)
            for i in 1...count {
                let log = dir + "/a\(i).log"
                _ = FileManager.default.createFile(atPath: log, contents: nil)
                let p = Process()
                p.executableURL = URL(fileURLWithPath: try TestSupport.kbenchPath())
                p.arguments = ["agent", "--bootstrap", bootstrap, "--name", "a\(i)", "--slots", String(slots), "--agent-key-file", keyFile] + agentArguments
                p.standardOutput = FileHandle.nullDevice
                p.standardError = FileHandle(forWritingAtPath: log)
                try p.run()
                agents.append(("a\(i)", p, log))
            }
        }

        func log(_ i: Int) -> String { (try? String(contentsOfFile: agents[i].log, encoding: .utf8)) ?? "" }

        /// Every worker process the agents run now.
        var workers: [pid_t] { agents.flatMap { TestSupport.children(of: $0.process.processIdentifier) } }

        /// A sweep over the agents (or local, with `agents` nil), its stderr in `stderrPath`.
        func startSweep(_ arguments: [String], agents: Int?, stderrPath: String) throws -> Process {
            _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: try TestSupport.kbenchPath())
            p.arguments =
                ["sweep", "--bootstrap", bootstrap, "--no-report"] + arguments
                + (agents.map { ["--agents", String($0), "--agent-key-file", keyFile, "--agents-timeout", "20s"] } ?? [])
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle(forWritingAtPath: stderrPath)
            try p.run()
            return p
        }

        func stop() {
            let workers = self.workers
            for a in agents where a.process.isRunning { a.process.interrupt() }
            let survivors = TestSupport.killSurvivors(workers)
            #expect(survivors.isEmpty, "workers outlived their agents: \(survivors)")
            for a in agents {
                if !eventually(timeout: 10, { !a.process.isRunning }) { kill(a.process.processIdentifier, SIGKILL) }
                a.process.waitUntilExit()
            }
            broker.interrupt()
            broker.waitUntilExit()
        }
    }

    /// A forged, a malformed and a replayed spawn, and an authentic one carrying a library path, are refused and
    /// start nothing; the one authentic, valid spawn starts exactly one worker.
    @Test func theAgentRefusesForgedMalformedAndReplayedMessagesAndSpawnsNothingForThem() throws {
        let fleet = try Fleet(agents: 1, topics: ["kbench-p2-t0:2"])
        defer { fleet.stop() }
        let topics = ControlTopics(prefix: "kbench")
        let channel = try ControlChannel(
            config: KafkaConfig(["bootstrap.servers": fleet.bootstrap]), sendTo: topics.control, receiveFrom: topics.reports,
            connectTimeoutMs: 10_000)
        defer { channel.close() }
        let key = try AgentKey.load(file: fleet.keyFile)
        let codec = ControlCodec(key: key), reader = ControlCodec(key: key)
        let announced = eventually(timeout: 15) {
            channel.receive(timeoutMs: 100).contains { (try? reader.decode($0).get())?.kind == .announce }
        }
        try #require(announced, "the agent never announced itself: \(fleet.log(0))")
        func spawn(_ codec: ControlCodec, _ id: String, _ extra: [String: String] = [:]) -> [UInt8] {
            var m = codec.make(.spawn, run: "run1", from: "runner", to: "a1")
            m.worker = id
            m.spec = WorkerSpecPolicy.stripped(AgentProtocolTests.spec())
            m.spec?.properties.merge(extra) { _, n in n }  // after stripping: this is what a forger would send
            return codec.encode(m)
        }
        var lease = codec.make(.lease, run: "run1", from: "runner", to: "a1")
        lease.leaseMs = 20_000
        try channel.send(codec.encode(lease))
        let forger = ControlCodec(key: try AgentKey(text: "not-the-shared-key-at-all", source: "test"))
        try channel.send(spawn(forger, "forged"))
        let json = Array("{\"kind\":\"spawn\",\"run\":\"run1\",\"to\":\"a1\"}".utf8)
        try channel.send(Array(ControlCodec.hex(key.tag(json)).utf8) + [0x2e] + json)
        try channel.send(spawn(codec, "evil", ["plugin.library.paths": "/tmp/evil.so"]))
        let valid = spawn(codec, "valid")
        try channel.send(valid)
        try channel.send(valid)
        let logged = eventually(timeout: 15) {
            let log = fleet.log(0)
            return ["forged", "malformed", "replayed", "plugin.library.paths may not come", "started worker valid"].allSatisfy(log.contains)
        }
        #expect(logged, "\(fleet.log(0))")
        #expect(fleet.workers.count == 1, "exactly the valid spawn runs: \(fleet.workers)\n\(fleet.log(0))")
        let log = fleet.log(0)
        #expect(!log.contains("started worker forged") && !log.contains("started worker evil"))
        #expect(log.components(separatedBy: "started worker").count == 2)
        try channel.send(codec.encode(codec.make(.release, run: "run1", from: "runner", to: "a1")))
        #expect(eventually(timeout: 10) { fleet.workers.isEmpty }, "the released worker did not end: \(fleet.log(0))")
    }

    /// Three agents run a sweep whose rates agree with the same sweep run locally; nothing is lost, and the
    /// placement file says which agent ran which consumer (spread: two each at C=6). Neither the runner's nor the
    /// agents' password reaches the control topics, the results or the logs. A "go" confirmed later than
    /// `--agents-go-bound` fails the trial.
    @Test func aSweepOverThreeAgentsAgreesWithALocalSweep() throws {
        let agentSecret = "agent-secret-7f3a91", runnerSecret = "runner-secret-9c2e44"
        let fleet = try Fleet(agents: 3, topics: ["kbench-p6-t0:6"], agentArguments: ["-X", "sasl.password=\(agentSecret)"])
        defer { fleet.stop() }
        let args = ["--partitions", "6", "--consumers", "6", "--messages", "60000", "--duration", "1s", "-X", "sasl.password=\(runnerSecret)"]
        var rates: [String: [String: Double]] = [:]
        var measuredTheHost: [String] = []
        for (label, agents) in [("agents", Optional(3)), ("local", nil)] {
            let csv = fleet.dir + "/\(label).csv"
            let sweep = try fleet.startSweep(args + ["--out", csv], agents: agents, stderrPath: fleet.dir + "/\(label).err")
            sweep.waitUntilExit()
            let err = (try? String(contentsOfFile: fleet.dir + "/\(label).err", encoding: .utf8)) ?? ""
            #expect(sweep.terminationStatus == 0, "\(label): \(err)")
            for row in try TestSupport.csvRows(csv) {
                #expect(row["status"] == "ok" && row["lost"] == "0" && row["duplicates"] == "0", "\(label): \(row["reason"] ?? "")")
                rates[label, default: [:]][row["consumers"] ?? ""] = Double(row["msgs_per_s"] ?? "")
                let cpu = Double(row["host_cpu_pct"] ?? "") ?? .nan, steal = Double(row["host_steal_pct"] ?? "") ?? .nan
                if HostCPU.measuresHost(cpuPct: cpu, stealPct: steal) { measuredTheHost.append("\(label): host CPU \(cpu)%, steal \(steal)%") }
            }
        }
        let a = rates["agents"]?["6"] ?? 0, l = rates["local"]?["6"] ?? 0
        // a run measured while the host was saturated or its CPU stolen measures the host: no comparison then
        if measuredTheHost.isEmpty {
            #expect(l > 0 && abs(a - l) / l < 0.15, "C=6: \(a) events/s over agents, \(l) locally")
        } else {
            #expect(l > 0 && a > 0, "C=6: \(a) events/s over agents, \(l) locally (\(measuredTheHost.joined(separator: "; ")))")
        }
        let placement = try String(contentsOfFile: fleet.dir + "/agents.placement.csv", encoding: .utf8).split(separator: "\n").dropFirst(2)
        #expect(placement.count == 6)
        let six = placement.map { String($0.split(separator: ",")[6]) }
        #expect(Dictionary(grouping: six, by: { $0 }).mapValues(\.count) == ["a1": 2, "a2": 2, "a3": 2])
        let meta = try String(contentsOfFile: fleet.dir + "/agents.meta.json", encoding: .utf8)
        #expect(meta.contains("agents (spread): a1 on") && meta.contains("librdkafka \(LibrdkafkaRuntime.version)"))

        let late = try fleet.startSweep(
            ["--partitions", "6", "--consumers", "2", "--messages", "60000", "--duration", "1s", "--agents-go-bound", "0ms", "--out", fleet.dir + "/late.csv"],
            agents: 3, stderrPath: fleet.dir + "/late.err")
        late.waitUntilExit()
        #expect(late.terminationStatus == 3)
        #expect(try TestSupport.csvRows(fleet.dir + "/late.csv").first?["reason"]?.contains("round trip, above the") == true)

        let kcat = try TestSupport.kcatPath()
        let topics = ControlTopics(prefix: "kbench")
        var seen = ""
        for t in [topics.control, topics.reports] {
            seen += try TestSupport.run(kcat, ["-C", "-b", fleet.bootstrap, "-t", t, "-p", "0", "-e", "-q"], timeout: 20).stdout
        }
        #expect(seen.contains("spawn") && seen.contains("sasl.password"), "the topics were not read")
        for name in try FileManager.default.contentsOfDirectory(atPath: fleet.dir) {
            seen += (try? String(contentsOfFile: fleet.dir + "/" + name, encoding: .utf8)) ?? ""
        }
        #expect(!seen.contains(agentSecret) && !seen.contains(runnerSecret), "a password leaked")
    }

    /// An agent SIGKILLed inside the first trial's window fails that trial with the reason; its workers end with
    /// it; the second trial runs on the two agents left.
    @Test func aKilledAgentFailsOnlyItsTrial() throws {
        let fleet = try Fleet(agents: 3, topics: ["kbench-p6-t0:6"])
        defer { fleet.stop() }
        let err = fleet.dir + "/sweep.err"
        let sweep = try fleet.startSweep(
            ["--partitions", "6", "--consumers", "3", "--repeat", "2", "--messages", "60000", "--duration", "2s", "--out", fleet.dir + "/k.csv"],
            agents: 3, stderrPath: err)
        defer { if sweep.isRunning { kill(sweep.processIdentifier, SIGKILL) } }
        let measuring = eventually(timeout: 30) { ((try? String(contentsOfFile: err, encoding: .utf8)) ?? "").contains("measuring") }
        try #require(measuring, "\((try? String(contentsOfFile: err, encoding: .utf8)) ?? "")")
        let victim = fleet.agents[1].process
        let itsWorkers = TestSupport.children(of: victim.processIdentifier)
        #expect(itsWorkers.count == 1)
        kill(victim.processIdentifier, SIGKILL)
        #expect(TestSupport.killSurvivors(itsWorkers).isEmpty, "the killed agent's workers outlived it")
        #expect(eventually(timeout: 40) { !sweep.isRunning })
        sweep.waitUntilExit()
        #expect(sweep.terminationStatus == 3)
        let rows = try TestSupport.csvRows(fleet.dir + "/k.csv")
        try #require(rows.count == 2, "\((try? String(contentsOfFile: err, encoding: .utf8)) ?? "")")
        #expect(rows[0]["status"] == "failed" && rows[0]["reason"]?.contains("agent a2 on") == true && rows[0]["reason"]?.contains("fell silent") == true)
        #expect(rows[1]["status"] == "ok" && rows[1]["lost"] == "0", "\(rows[1]["reason"] ?? "")")
        let second = try String(contentsOfFile: fleet.dir + "/k.placement.csv", encoding: .utf8).split(separator: "\n").suffix(3)
        #expect(second.allSatisfy { !$0.contains(",a2,") }, "\(second)")
    }

    /// The runner is SIGKILLed inside a window: no release comes, and every agent ends its workers when the
    /// runner's 5 s lease runs out.
    @Test func aKilledRunnerLeavesNoWorkerOnAnyAgentAfterTheLease() throws {
        let fleet = try Fleet(agents: 3, topics: ["kbench-p6-t0:6"])
        defer { fleet.stop() }
        let err = fleet.dir + "/sweep.err"
        let sweep = try fleet.startSweep(
            ["--partitions", "6", "--consumers", "3", "--messages", "60000", "--duration", "30s", "--out", fleet.dir + "/r.csv"],
            agents: 3, stderrPath: err)
        defer { if sweep.isRunning { kill(sweep.processIdentifier, SIGKILL) } }
        let measuring = eventually(timeout: 30) { ((try? String(contentsOfFile: err, encoding: .utf8)) ?? "").contains("measuring") }
        try #require(measuring, "\((try? String(contentsOfFile: err, encoding: .utf8)) ?? "")")
        let workers = fleet.workers
        #expect(workers.count == 3)
        kill(sweep.processIdentifier, SIGKILL)
        let ended = eventually(timeout: 7) { workers.allSatisfy { !TestSupport.isAlive($0) } }
        #expect(ended, "workers still alive 7 s after the runner died: \(workers.filter(TestSupport.isAlive))")
        #expect((0..<3).allSatisfy { fleet.log($0).contains("expired (runner gone?)") })
        sweep.waitUntilExit()
    }
}
