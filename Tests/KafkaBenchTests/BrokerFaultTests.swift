import Foundation
import Testing

@testable import KafkaBench

/// Broker-fault steps of `kbench rebalance`'s script: how they parse and are checked against the cluster.
@Suite struct BrokerFaultScriptTests {
    @Test func parsesEveryFault() throws {
        let s = try RebalanceScript(
            parsing:
                "broker-down@1s:2, broker-up@2s:2, failover@3s:3, rtt@4s:50ms, rtt@5s:2:200ms, coordinator@6s:1, errors@7s:Fetch:NOT_LEADER_FOR_PARTITION:5",
            consumers: 2, duration: .seconds(10))
        #expect(s.steps.map(\.action) == [.brokerDown, .brokerUp, .failover, .rtt, .rtt, .coordinator, .errors])
        #expect(s.steps.map(\.broker) == [2, 2, 3, nil, 2, 1, nil])
        #expect(s.steps[3].rtt == .milliseconds(50) && s.steps[4].rtt == .milliseconds(200))
        let e = try #require(s.steps[6].requestErrors)
        #expect(e.apiKey == 1 && e.errorName == "NOT_LEADER_FOR_PARTITION" && e.errorCode == 6 && e.count == 5)
        #expect(s.description.contains("errors@7s:Fetch:NOT_LEADER_FOR_PARTITION:5"))
        try s.checkFaults(embeddedBrokers: 3, commands: [:])
    }

    /// The coordinator starts on the lowest broker the script does not take down (a broker-down of broker 1 is not
    /// also a coordinator loss); only when every broker goes down does it stay where it is, and say so.
    @Test func theCoordinatorIsPlacedOnABrokerTheScriptDoesNotTakeDown() throws {
        func place(_ text: String, brokers: Int) throws -> (Int32, Bool) {
            let p = try RebalanceScript(parsing: text, consumers: 2, duration: .seconds(30)).coordinatorPlacement(brokers: brokers)
            return (p.broker, p.takenDown)
        }
        #expect(try place("broker-down@5s:1, broker-up@14s:1", brokers: 3) == (2, false))
        #expect(try place("failover@5s:1, broker-down@8s:2", brokers: 3) == (3, false))
        #expect(try place("rtt@5s:1:200ms, errors@6s:Fetch:NOT_LEADER_FOR_PARTITION:5", brokers: 3) == (1, false))
        #expect(try place("coordinator@5s:2", brokers: 3) == (1, false))
        #expect(try place("broker-down@5s:1", brokers: 1) == (1, true))
    }

    @Test(arguments: [
        ("broker-down@1s:0", "broker id"),
        ("rtt@1s:2:fast", "invalid duration"),
        ("rtt@1s:1.5ms", "whole milliseconds"),
        ("errors@1s:Fetch:NO_SUCH_ERROR:5", "unknown error"),
        ("errors@1s:Gossip:NOT_LEADER_FOR_PARTITION:5", "unknown request"),
        ("errors@1s:Fetch:NOT_LEADER_FOR_PARTITION:0", "from 1 to 10000"),
        ("join@1s:2", "takes no argument"),
    ])
    func badFaultStepsAreRefused(script: String, expected: String) {
        do {
            _ = try RebalanceScript(parsing: script, consumers: 2, duration: .seconds(10))
            Issue.record("'\(script)' was accepted")
        } catch {
            #expect(error.message.contains("invalid --script step"), "\(error.message)")
            #expect(error.message.contains(expected), "\(error.message)")
        }
    }

    @Test func faultsAreCheckedAgainstTheCluster() throws {
        let s = try RebalanceScript(parsing: "failover@1s:3", consumers: 1, duration: .seconds(5))
        #expect(throws: UsageError.self) { try s.checkFaults(embeddedBrokers: 2, commands: [:]) }  // no broker 3
        let one = try RebalanceScript(parsing: "failover@1s:1", consumers: 1, duration: .seconds(5))
        #expect(throws: UsageError.self) { try one.checkFaults(embeddedBrokers: 1, commands: [:]) }  // nobody to take over
        let unnamed = try RebalanceScript(parsing: "broker-down@1s", consumers: 1, duration: .seconds(5))
        #expect(throws: UsageError.self) { try unnamed.checkFaults(embeddedBrokers: 3, commands: [:]) }
    }

    @Test func aRealClustersBrokerFaultNeedsItsCommand() throws {
        let s = try RebalanceScript(parsing: "join@1s, broker-down@2s, rtt@3s:100ms", consumers: 1, duration: .seconds(5))
        do {
            try s.checkFaults(embeddedBrokers: nil, commands: [:])
            Issue.record("a broker fault on a real cluster without a command was accepted")
        } catch {
            #expect(error.message.contains("--on-event 'broker-down@2s=COMMAND'"), "\(error.message)")
        }
        let commands = try s.commands(["broker-down@2s=kubectl delete pod kafka-2", "rtt@3s:100ms=tc qdisc add dev eth0 root netem delay 100ms"])
        #expect(commands == [1: "kubectl delete pod kafka-2", 2: "tc qdisc add dev eth0 root netem delay 100ms"])
        try s.checkFaults(embeddedBrokers: nil, commands: commands)
        #expect(throws: UsageError.self) { try s.commands(["broker-down@4s=true"]) }  // names no step
        #expect(throws: UsageError.self) { try s.commands(["broker-down@2s"]) }  // no command
    }
}

/// Losses and per-key reordering injected into the analysis input are caught, on the event they belong to.
@Suite struct FaultAuditTests {
    static let ms: UInt64 = 1_000_000

    /// One partition at 100 msg/s for 4 s, users 0–4 in turn (sequence = offset), a broker-down at 1 s and a
    /// broker-up at 2 s; `reorder` swaps the sequences of two of one user's events, `skip` drops an offset.
    static func recording(reorder: (Int64, Int64)? = nil, skip: Int64? = nil) -> RebalanceRecording {
        var r = RebalanceRecording(assignor: .range, partitions: 1, startNs: 0, endNs: 4_000 * ms)
        r.workers = [.init(name: "c01", spawnNs: 0)]
        r.assignments = [.init(ns: 0, worker: 0, partitions: [0])]
        r.events = [
            .init(action: .brokerDown, ns: 1_000 * ms, worker: -1, target: "b1", detail: "b1 down; it leads partitions 0"),
            .init(action: .brokerUp, ns: 2_000 * ms, worker: -1, target: "b1", detail: "b1 up; it leads partitions 0"),
        ]
        for o in Int64(0)..<400 where o != skip {
            var sequence = UInt32(o)
            if let (a, b) = reorder { if o == a { sequence = UInt32(b) } else if o == b { sequence = UInt32(a) } }
            r.samples.append(
                .init(ns: UInt64(o) * 10 * ms + 5 * ms, worker: 0, partition: 0, offset: o, latencyMicros: 5_000, userId: UInt32(o % 5), sequence: sequence))
        }
        r.lowWatermarks = [0]
        r.highWatermarks = [400]
        r.produced = 400
        r.deliveries = (0..<400).map { DeliveryReport(ns: UInt64($0) * 10 * ms + 2 * ms, latencyMicros: 2_000, failed: $0 == 250) }
        return r
    }

    @Test func aCleanRunHasNoViolations() {
        let a = RebalanceAnalysis.analyze(Self.recording())
        #expect(a.orderViolations == 0 && a.lost == 0 && a.events.allSatisfy { $0.orderViolations == 0 })
    }

    @Test func aReorderedUserIsCaughtOnItsEvent() {
        // offsets 150 and 155 both belong to user 0: the later offset now carries the earlier sequence
        let a = RebalanceAnalysis.analyze(Self.recording(reorder: (150, 155)))
        #expect(a.orderViolations == 1, "\(a.orderExamples)")
        #expect(a.orderExamples.contains("p0 user 0: seq 150 (offset 155) after 155"), "\(a.orderExamples)")
        #expect(a.events.map(\.orderViolations) == [1, 0])  // processed at 1.55 s: the broker-down's window
    }

    @Test func anEventWrittenTwiceIsCaught() {
        // offset 170 carries offset 165's event (user 0, seq 165) again: a producer retry written twice
        var r = Self.recording()
        let i = r.samples.firstIndex { $0.offset == 170 }!
        (r.samples[i].userId, r.samples[i].sequence) = (0, 165)
        let a = RebalanceAnalysis.analyze(r)
        #expect(a.writtenTwice == 1 && a.writtenTwiceExamples == "p0 user 0 seq 165 at offsets 165 and 170", "\(a.writtenTwiceExamples)")
        #expect(a.events.map(\.writtenTwice) == [1, 0])
        #expect(a.orderViolations == 0)
    }

    @Test func aLossIsCaughtOnItsEvent() {
        let a = RebalanceAnalysis.analyze(Self.recording(skip: 230))
        #expect(a.lost == 1 && a.lostRanges == "0:230")
        #expect(a.events.map(\.lost) == [0, 1])  // produced at 2.3 s: the broker-up's window
        #expect(a.orderViolations == 0)
    }

    @Test func theProducersSideIsReportedPerEvent() {
        let a = RebalanceAnalysis.analyze(Self.recording())
        #expect(a.events.map(\.produceErrors) == [0, 1])  // the message enqueued at 2.5 s failed
        #expect(a.events[0].produceP50Ms == 2.0 && a.produceP50Ms == 2.0)
        #expect(a.events[0].detail == "b1 down; it leads partitions 0" && a.events[0].target == "b1")
    }
}

/// Broker faults on a 3-broker embedded cluster under live traffic (small sizes).
@Suite(.serialized) struct BrokerFaultRunTests {
    static func run(_ script: String, partitions: Int, consumers: Int, rate: Double, duration: DurationValue) throws -> RebalanceRecording {
        let parsed = try RebalanceScript(parsing: script, consumers: consumers, duration: duration)
        var c = RebalanceConfiguration(partitions: partitions, consumers: consumers, script: parsed, duration: duration)
        c.rate = rate
        c.commit = .auto
        let cluster = try ClusterConnection(embeddedBrokers: 3)
        let runner = try RebalanceRunner(configuration: c, cluster: cluster, runId: "f\(getpid())")
        return try runner.run(assignor: .range, embedded: true)
    }

    /// Broker 2 goes down at 2 s and comes back at 4 s: exactly the partitions it leads (read from metadata)
    /// stall, they are consumed again after it is back, and nothing is lost or reordered.
    @Test func aBrokerDownStallsExactlyThePartitionsItLeads() throws {
        let r = try Self.run("broker-down@2s:2, broker-up@4s:2", partitions: 6, consumers: 2, rate: 300, duration: .seconds(11))
        let a = RebalanceAnalysis.analyze(r)
        let led = r.leadersAtStart.indices.filter { r.leadersAtStart[$0] == 2 }.map(Int32.init)
        #expect(r.leadersAtStart.count == 6 && !led.isEmpty && led.count < 6, "\(r.leadersAtStart)")
        let down = try #require(a.events.first)
        #expect(down.action == "broker-down" && down.target == "b2")
        #expect(down.stalledPartitionList == led.map(String.init).joined(separator: " "), "\(down.stalledPartitionList) vs \(led)")
        #expect(down.maxPartitionStallMs >= 1_500, "\(down.maxPartitionStallMs)")
        #expect(down.lagPeakMessages > 0)
        // every partition broker 2 leads consumed again after broker-up (4 s)
        for p in led {
            #expect(a.partitionTimeline.contains { $0.partition == p && $0.tSeconds >= 4 && $0.consumed > 0 }, "partition \(p) never resumed")
        }
        #expect(a.lost == 0 && a.undrained == 0 && a.duplicates == 0, "\(a.lostRanges) \(a.undrainedRanges)")
        #expect(a.orderViolations == 0 && a.writtenTwice == 0, "\(a.orderExamples) \(a.writtenTwiceExamples)")
        #expect(a.deliveryFailures == 0 && a.produced == a.processedUnique)
        #expect(!r.retries.isEmpty && a.produceRetries != nil)  // the producer's statistics arrived
        #expect(r.deliveries.count == a.produced)
    }

    /// A 200 ms round-trip time on every broker from 4 s raises the median produce latency (delivery reports) and
    /// the median end-to-end latency by about the RTT: between half of it and four times it, since a message may
    /// wait for the produce request in flight before its own (up to one RTT), then for the fetch in flight when it
    /// lands (up to one RTT plus the 10 ms empty-fetch wait) and for its own fetch's round trip.
    @Test func anRTTStepRaisesProduceAndConsumeLatencyByAboutTheRTT() throws {
        let r = try Self.run("rtt@4s:200ms", partitions: 2, consumers: 1, rate: 40, duration: .seconds(8))
        let a = RebalanceAnalysis.analyze(r)
        let event = try #require(r.events.first)
        let e = try #require(a.events.first)
        let produceBefore = RebalanceAnalysis.produceFigures(r.deliveries, from: r.startNs, to: event.ns).p50
        var before = RebalanceAnalysis.newHistogram()
        for s in r.samples where s.ns < event.ns { _ = before.record(s.latencyMicros) }
        let consumeBefore = Double(before.valueAtPercentile(50)) / 1000
        let produceRise = e.produceP50Ms - produceBefore
        let consumeRise = e.latencyP50Ms - consumeBefore
        #expect(produceRise >= 100 && produceRise <= 600, "produce p50 \(produceBefore) → \(e.produceP50Ms) ms")
        #expect(consumeRise >= 100 && consumeRise <= 800, "consume p50 \(consumeBefore) → \(e.latencyP50Ms) ms")
        #expect(a.lost == 0 && a.orderViolations == 0)
    }
}

/// `kbench rebalance --bootstrap` with a broker fault and no command: refused before connecting.
@Suite(.removesTemporaryFiles) struct BrokerFaultCommandTests {
    @Test func aBrokerFaultOnARealClusterWithoutOnEventIsRefusedQuickly() throws {
        let start = Date()
        let run = try TestSupport.kbench(
            [
                "rebalance", "--bootstrap", "192.0.2.1:9092", "--partitions", "2", "--consumers", "1", "--script", "broker-down@2s",
                "--duration", "5s", "--no-report",
            ], timeout: 30)
        #expect(run.status == 64, "\(run.stderr)")
        #expect(run.stderr.contains("--on-event 'broker-down@2s=COMMAND'"), "\(run.stderr)")
        #expect(Date().timeIntervalSince(start) < 5)
    }
}

/// `--on-event` commands: exit status and output recorded, a command still running at the end terminated.
@Suite struct EventCommandTests {
    @Test func recordsExitStatusAndOutput() {
        let c = EventCommand(command: "echo stopping kafka-2; echo oops >&2; exit 3")
        c.start()
        let outcome = c.finish(timeoutNs: 5_000_000_000, config: KafkaConfig())
        #expect(outcome.exitStatus == 3)
        #expect(outcome.output == "stopping kafka-2 | oops", "\(outcome.output)")
    }

    /// The runner ignores SIGPIPE; the user's command must not inherit that (`yes` would report a broken pipe
    /// instead of ending quietly when `head` has read its line).
    @Test func theCommandGetsTheDefaultSIGPIPE() {
        signal(SIGPIPE, SIG_IGN)  // as in every kbench process that runs workers
        let c = EventCommand(command: "yes | head -1; grep SigIgn /proc/self/status")
        c.start()
        let outcome = c.finish(timeoutNs: 5_000_000_000, config: KafkaConfig())
        #expect(outcome.exitStatus == 0)
        #expect(outcome.output.hasPrefix("y | SigIgn:") && !outcome.output.contains("Broken pipe"), "\(outcome.output)")
        // the ignored-signal mask has no SIGPIPE (signal 13: bit 12)
        let mask = outcome.output.split(separator: "\t").last.flatMap { UInt64($0.trimmingCharacters(in: .whitespaces), radix: 16) }
        #expect(mask.map { $0 & (1 << 12) == 0 } == true, "\(outcome.output)")
    }

    @Test func aCommandStillRunningAtTheEndIsTerminated() {
        let c = EventCommand(command: "sleep 30")
        c.start()
        let outcome = c.finish(timeoutNs: 200_000_000, config: KafkaConfig())
        #expect(outcome.exitStatus == nil)
        #expect(outcome.output.contains("terminated"), "\(outcome.output)")
    }
}
