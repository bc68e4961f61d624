import Foundation
import Testing

@testable import KafkaBench

/// The real-cluster path end to end against Tansu, an independent Kafka-protocol broker: topics created and
/// deleted through the admin API, a sweep in window and drain mode, a rebalance, a capacity run. One Tansu for the
/// whole suite, started by the test and stopped at its end (nothing is left running). Needs librdkafka ≥ 2.2 (the
/// second pass of `scripts/test`); on 2.0.2 only the refusal is checked.
@Suite(.serialized, .removesTemporaryFiles) struct TansuTests {
    static let clientTalksToTansu = LibrdkafkaRuntime.isAtLeast(TansuBroker.minimumLibrdkafka)

    /// Tansu on a thread of its own, which outlives every command the test runs (its parent-death signal follows
    /// the thread that started it).
    final class Host: @unchecked Sendable {
        private let ready = DispatchSemaphore(value: 0)
        private let done = DispatchSemaphore(value: 0)
        private(set) var bootstrap: String?
        private(set) var failure: String?

        init() {
            let thread = Thread { [self] in
                do {
                    let broker = try TansuBroker()
                    bootstrap = broker.bootstrapServers
                    ready.signal()
                    done.wait()
                    broker.stop()
                } catch {
                    failure = "\(error)"
                    ready.signal()
                }
                done.signal()
            }
            thread.start()
            ready.wait()
        }

        func stop() {
            done.signal()
            done.wait()
        }
    }

    static func kbenchTopics(_ bootstrap: String) throws -> [String] {
        try ClusterConnection(bootstrap: bootstrap).metadata().topics.keys.filter { $0.hasPrefix("kbench") }.sorted()
    }

    @Test(.enabled(if: !clientTalksToTansu, "librdkafka ≥ 2.2 talks to Tansu"))
    func anOldLibrdkafkaIsRefusedBeforeTansuStarts() throws {
        let run = try TestSupport.kbench(["broker", "--engine", "tansu"], timeout: 20)
        #expect(run.status == 64, "\(run.stderr)")
        #expect(run.stderr.contains("cannot talk to Tansu") && run.stderr.contains("--librdkafka 2.16.0"), "\(run.stderr)")
    }

    @Test(.enabled(if: clientTalksToTansu, "needs librdkafka ≥ 2.2 (the second pass of scripts/test)"))
    func theRealClusterPathRunsEndToEndOnTansu() throws {
        let host = Host()
        defer { host.stop() }
        let bootstrap = try #require(host.bootstrap, "Tansu did not start: \(host.failure ?? "?")")
        let dir = try TestSupport.tempDirectory()

        // sweep, window: every trial ok, nothing lost, throughput rising with C up to P and the plateau (C ≥ P)
        // within 10% of P × r1, no kbench topic left. Not each speedup within 10%: the test suites run side by side,
        // and on this 2-core VM a two-consumer trial measured 1.48× here in one CI pass (both consumers ~657/s, steal
        // 1.6%) while alone it measures 2.0×; the README sweep on Tansu is the published figure. A trial measured while
        // the hypervisor took the CPU (cpu-stolen) or the host was saturated (host-bound) says so and is exempt.
        let window = dir + "/window.csv"
        let w = try TestSupport.kbench(
            [
                "sweep", "--bootstrap", bootstrap, "--partitions", "4", "--consumers", "1,2,4,5", "--duration", "2s", "--cleanup", "--no-report", "--out",
                window,
            ],
            timeout: 240)
        #expect(w.status == 0, "\(w.stderr)")
        let rows = try TestSupport.csvRows(window)
        #expect(rows.count == 4 && rows.allSatisfy { $0["status"] == "ok" && $0["lost"] == "0" }, "\(rows.map { $0["reason"] ?? "" })")
        let base = try #require(rows.first { $0["consumers"] == "1" })
        let baseRate = Double(base["msgs_per_s"] ?? "") ?? 0
        let measuresHost = { (r: [String: String]) in
            HostCPU.measuresHost(cpuPct: Double(r["host_cpu_pct"] ?? "") ?? .nan, stealPct: Double(r["host_steal_pct"] ?? "") ?? .nan)
        }
        var previous = 0.0
        for r in rows where !measuresHost(r) && !measuresHost(base) {
            let c = Double(r["consumers"] ?? "") ?? 0, rate = Double(r["msgs_per_s"] ?? "") ?? 0
            let host = "host CPU \(r["host_cpu_pct"] ?? "?")%, steal \(r["host_steal_pct"] ?? "?")%"
            if c >= 4 { #expect(baseRate > 0 && abs(rate / baseRate / 4 - 1) < 0.10, "C=\(c): \(rate) events/s against \(baseRate) at C=1 (\(host))") }
            if c <= 4 { #expect(rate > previous * 1.2, "C=\(c): \(rate) events/s, not above the previous \(previous) (\(host))") }
            previous = rate
            // the join follows the session timeout on Tansu: kbench's 6 s, not librdkafka's 45 s default (~24 s)
            #expect((Double(r["join_ms"] ?? "") ?? 1e9) < 15_000, "join \(r["join_ms"] ?? "?") ms")
        }
        let leftBySweeps = try Self.kbenchTopics(bootstrap)
        #expect(leftBySweeps.isEmpty, "left behind: \(leftBySweeps)")

        // sweep, drain
        let drain = dir + "/drain.csv"
        let d = try TestSupport.kbench(
            ["sweep", "--bootstrap", bootstrap, "--partitions", "4", "--consumers", "1,4", "--mode", "drain", "--cleanup", "--no-report", "--out", drain],
            timeout: 240)
        #expect(d.status == 0, "\(d.stderr)")
        #expect(try TestSupport.csvRows(drain).allSatisfy { $0["status"] == "ok" && $0["lost"] == "0" })

        // --recreate: a topic holding another backlog is refused, then deleted and made again on request
        let again = ["sweep", "--bootstrap", bootstrap, "--partitions", "2", "--consumers", "1", "--topic-prefix", "kbench-recreate", "--no-report"]
        let first = try TestSupport.kbench(again + ["--duration", "1s", "--out", dir + "/first.csv"], timeout: 120)
        #expect(first.status == 0, "\(first.stderr)")
        let refused = try TestSupport.kbench(again + ["--duration", "3s", "--out", dir + "/refused.csv"], timeout: 120)
        #expect(refused.status != 0 && refused.stderr.contains("--recreate"), "\(refused.status): \(refused.stderr)")
        let recreated = try TestSupport.kbench(again + ["--duration", "3s", "--recreate", "--cleanup", "--out", dir + "/recreated.csv"], timeout: 120)
        #expect(recreated.status == 0, "\(recreated.stderr)")
        #expect(try TestSupport.csvRows(dir + "/recreated.csv").allSatisfy { $0["status"] == "ok" && $0["lost"] == "0" })
        #expect(try Self.kbenchTopics(bootstrap).isEmpty, "--recreate --cleanup left a topic")

        // rebalance: a join, a leave and a kill, each converged, nothing lost; --cleanup deletes its topic
        let rebalance = dir + "/rebalance.csv"
        let r = try TestSupport.kbench(
            [
                "rebalance", "--bootstrap", bootstrap, "--partitions", "4", "--consumers", "2", "--script", "join@2s, leave@12s, kill@22s",
                "--duration", "34s", "--rate", "400", "--cleanup", "--no-report", "--out", rebalance,
            ], timeout: 240)
        #expect(r.status == 0, "\(r.stderr)")
        let events = try TestSupport.csvRows(dir + "/rebalance-events.csv")
        #expect(events.map { $0["event"] ?? "" } == ["join", "leave", "kill"])
        #expect(events.allSatisfy { $0["converged"] == "yes" }, "\(events.map { $0["state_at_window_end"] ?? "" })")
        #expect(try TestSupport.csvRows(dir + "/rebalance-totals.csv").allSatisfy { $0["lost"] == "0" && $0["undrained"] == "0" })
        // a broker fault needs the user's own command on a real cluster
        let fault = try TestSupport.kbench(
            ["rebalance", "--bootstrap", bootstrap, "--partitions", "4", "--consumers", "2", "--script", "broker-down@2s", "--duration", "5s"], timeout: 30)
        #expect(fault.status == 64 && fault.stderr.contains("--on-event"), "\(fault.stderr)")

        // the consumer protocol: Tansu does not speak it and librdkafka reports nothing; the failure says why
        let kip848 = dir + "/kip848.csv"
        let k = try TestSupport.kbench(
            [
                "sweep", "--bootstrap", bootstrap, "--group-protocol", "consumer", "--partitions", "2", "--consumers", "1", "--duration", "1s",
                "--join-timeout", "8s", "--cleanup", "--no-report", "--out", kip848,
            ], timeout: 120)
        #expect(k.status == 3, "\(k.stderr)")
        let reason = try TestSupport.csvRows(kip848).first?["reason"] ?? ""
        #expect(reason.contains("may not support the consumer group protocol") && reason.contains("--group-protocol classic"), "\(reason)")

        // capacity: its per-trial topics are created and deleted
        let capacity = dir + "/capacity.csv"
        let c = try TestSupport.kbench(
            [
                "capacity", "--bootstrap", bootstrap, "--partitions", "4", "--consumers", "2", "--rate", "500", "--duration", "6s",
                "--warmup", "2s", "--max-lag", "2s", "--no-report", "--out", capacity,
            ], timeout: 240)
        #expect(c.status == 0 || c.status == 3, "\(c.stderr)")
        #expect(try TestSupport.csvRows(capacity).contains { $0["consumers"] == "2" })
        let left = try Self.kbenchTopics(bootstrap)
        #expect(left.isEmpty, "left behind: \(left)")
    }

    /// Two `kbench agent` processes on Tansu run the consumers of a sweep, a capacity trial and a rebalance: each
    /// ends ok with nothing lost, the consumers ran on the agents (the placement file names them), and no topic,
    /// agent or worker is left.
    @Test(.enabled(if: clientTalksToTansu, "needs librdkafka ≥ 2.2 (the second pass of scripts/test)"))
    func agentsRunEveryModeOnTansu() throws {
        let host = Host()
        defer { host.stop() }
        let bootstrap = try #require(host.bootstrap, "Tansu did not start: \(host.failure ?? "?")")
        let dir = try TestSupport.tempDirectory()
        let keyFile = dir + "/key"
        try "kbench-tansu-key-\(UUID().uuidString)\n".write(toFile: keyFile, atomically: true, encoding: .utf8)
        var agents: [Process] = []
        defer {
            let workers = agents.flatMap { TestSupport.children(of: $0.processIdentifier) }
            for a in agents where a.isRunning { a.interrupt() }
            #expect(TestSupport.killSurvivors(workers).isEmpty, "workers outlived their agents")
            for a in agents {
                if !eventually(timeout: 10, { !a.isRunning }) { kill(a.processIdentifier, SIGKILL) }
                a.waitUntilExit()
            }
        }
        for i in 1...2 {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: try TestSupport.kbenchPath())
            p.arguments = ["agent", "--bootstrap", bootstrap, "--name", "t\(i)", "--slots", "2", "--agent-key-file", keyFile]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            agents.append(p)
        }
        let over = ["--bootstrap", bootstrap, "--agents", "2", "--agent-key-file", keyFile, "--agents-timeout", "30s", "--no-report"]

        let sweep = dir + "/sweep.csv"
        let s = try TestSupport.kbench(
            ["sweep", "--partitions", "2", "--consumers", "1,2", "--duration", "1s", "--cleanup", "--out", sweep] + over, timeout: 180)
        #expect(s.status == 0, "\(s.stderr)")
        #expect(try TestSupport.csvRows(sweep).allSatisfy { $0["status"] == "ok" && $0["lost"] == "0" })
        let placement = try String(contentsOfFile: dir + "/sweep.placement.csv", encoding: .utf8)
        #expect(placement.contains("t1") && placement.contains("t2"), "\(placement)")

        let capacity = dir + "/capacity.csv"
        let c = try TestSupport.kbench(
            [
                "capacity", "--partitions", "2", "--consumers", "2", "--rate", "300", "--duration", "5s", "--warmup", "1s", "--max-lag", "2s",
                "--out", capacity,
            ] + over, timeout: 180)
        #expect(c.status == 0 || c.status == 3, "\(c.stderr)")
        #expect(try TestSupport.csvRows(capacity).contains { $0["consumers"] == "2" && $0["lost"] == "0" })

        let rebalance = dir + "/rebalance.csv"
        let r = try TestSupport.kbench(
            [
                "rebalance", "--partitions", "2", "--consumers", "1", "--script", "join@2s", "--duration", "12s", "--rate", "200", "--cleanup",
                "--out", rebalance,
            ] + over, timeout: 180)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try TestSupport.csvRows(dir + "/rebalance-events.csv").allSatisfy { $0["converged"] == "yes" })
        #expect(try TestSupport.csvRows(dir + "/rebalance-totals.csv").allSatisfy { $0["lost"] == "0" })
        // the agents' own control and report topics stay: they are the fleet's, not a run's
        let left = try Self.kbenchTopics(bootstrap)
        #expect(left == ["kbench-agents-control", "kbench-agents-reports"], "left behind: \(left)")
    }
}
