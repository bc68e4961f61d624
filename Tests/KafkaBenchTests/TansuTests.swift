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

        // sweep, window: every trial ok, nothing lost, the plateau (C ≥ P) within 10% of P × r1, throughput rising
        // with C, no kbench topic left. (C = 2 on 4 partitions has measured 1.5× instead of 2× on Tansu in some runs,
        // both consumers ~680/s: not explained yet, so not asserted to be 2×.)
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
        let base = Double(rows.first { $0["consumers"] == "1" }?["msgs_per_s"] ?? "") ?? 0
        var previous = 0.0
        for r in rows {
            let c = Double(r["consumers"] ?? "") ?? 0, rate = Double(r["msgs_per_s"] ?? "") ?? 0
            if c >= 4 { #expect(base > 0 && abs(rate / base / 4 - 1) < 0.10, "C=\(c): \(rate) msgs/s against \(base) at C=1") }
            if c <= 4 { #expect(rate > previous * 1.2, "C=\(c): \(rate) msgs/s, not above the previous \(previous)") }
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

        // rebalance: a join, a leave and a kill, each converged, nothing lost
        let rebalance = dir + "/rebalance.csv"
        let r = try TestSupport.kbench(
            [
                "rebalance", "--bootstrap", bootstrap, "--partitions", "4", "--consumers", "2", "--script", "join@2s, leave@12s, kill@22s",
                "--duration", "34s", "--rate", "400", "--no-report", "--out", rebalance,
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
        // (the rebalance run keeps its per-run topic: it has no --cleanup)
        let left = try Self.kbenchTopics(bootstrap).filter { !$0.contains("-rebalance-") }
        #expect(left.isEmpty, "left behind: \(left)")
    }
}
