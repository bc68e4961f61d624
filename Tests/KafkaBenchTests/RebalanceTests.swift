import Foundation
import Testing

@testable import KafkaBench

@Suite struct RebalanceScriptTests {
    @Test func parsesTheSeedScenario() throws {
        let s = try RebalanceScript(parsing: "join@5s, kill@12s, leave@20s, restart@26s", consumers: 3, duration: .seconds(35))
        #expect(s.steps.map(\.action) == [.join, .kill, .leave, .restart])
        #expect(s.steps.map(\.at) == [.seconds(5), .seconds(12), .seconds(20), .seconds(26)])
    }

    @Test(arguments: [
        ("kill@1s, kill@2s", "without consumers"),
        ("join@5s, kill@3s", "time order"),
        ("jump@1s", "unknown action 'jump'"),
        ("join5s", "ACTION@TIME"),
        ("join@5", "unit"),
        ("restart@1s", "no consumer has left"),
        ("join@40s", "before the end"),
        ("join@1s,,kill@2s", "empty step"),
    ])
    func badScriptsPointAtTheToken(script: String, expected: String) {
        do {
            _ = try RebalanceScript(parsing: script, consumers: 2, duration: .seconds(30))
            Issue.record("'\(script)' was accepted")
        } catch {
            #expect(error.message.contains("invalid --script step"), "\(error.message)")
            #expect(error.message.contains(expected), "\(error.message)")
        }
    }
}

/// Live rebalances on the embedded broker with consumer processes (mock group timers: 3 s first join,
/// session.timeout.ms − 1 s per later round, eviction only by session timeout).
@Suite(.serialized) struct RebalanceRunTests {
    /// Traffic of the cooperative commit-per-batch runs, and their convergence bound: the join at 1 s must converge
    /// at least 1 s before the traffic ends, i.e. while every member is still committing after each batch. The #4059
    /// livelock cannot end while commits go on (it ends, if at all, once the traffic stops), so that separates it
    /// from a slow join; a fixed count of rounds did not: a join takes two rounds (a round waits
    /// session.timeout.ms − 1 s, and 2.16's mock waits up to the session timeout for a SyncGroup), and with the
    /// test suites running side by side members missed rounds (26.1 s and 30.1 s measured in two CI passes).
    static let coopJoinTraffic = DurationValue.seconds(30)
    static let coopJoinBoundMs = coopJoinTraffic.milliseconds - 1_000 - 1_000

    static func run(
        _ script: String, assignor: Assignor, commit: CommitMode, duration: DurationValue, commitGate: Bool = true
    ) throws -> RebalanceAnalysis {
        let parsed = try RebalanceScript(parsing: script, consumers: 2, duration: duration)
        var c = RebalanceConfiguration(partitions: 4, consumers: 2, script: parsed, duration: duration)
        c.rate = 400
        c.commit = commit
        c.commitGate = commitGate
        c.assignors = [assignor]
        let cluster = try ClusterConnection(embeddedBrokers: 1)
        let runner = try RebalanceRunner(configuration: c, cluster: cluster, runId: "t\(getpid())")
        return RebalanceAnalysis.analyze(try runner.run(assignor: assignor, embedded: true))
    }

    @Test func survivorsTakeOverAKilledConsumersPartitionsAndNothingIsLost() throws {
        let a = try Self.run("kill@1s", assignor: .range, commit: .sync, duration: .seconds(16))
        let kill = try #require(a.events.first)
        #expect(kill.action == "kill")
        // eviction by session timeout (6 s) plus the embedded broker's rebalance round (5 s), plus a margin
        let convergence = try #require(kill.convergenceMs, "the survivors never consumed every partition: \(kill.stateAtWindowEnd)")
        #expect(convergence >= 5_000 && convergence <= 6_000 + 5_000 + 3_000, "convergence \(convergence) ms")
        #expect(kill.moved == 2)  // the victim's two partitions changed owner
        // the victim's partitions stalled from the kill until the survivors took them over
        #expect(kill.stalledPartitions >= 2 && kill.maxPartitionStallMs >= 5_000, "\(kill)")
        #expect(kill.deficitMessages > 0)
        #expect(a.lost == 0)  // commit after processing: nothing lost
        #expect(a.produced > 0 && a.processedUnique == a.produced)
        #expect(a.timeline.contains { $0.consumer == "group" && $0.msgsPerS > 0 })
    }

    /// cooperative-sticky with a commit after every batch: members keep committing while they rejoin, and in
    /// librdkafka 2.0.2 a commit answered with ILLEGAL_GENERATION then breaks the next round, round after round
    /// (#4059). Without `CommitGate` this group never converged on the embedded broker (5 of 5 runs).
    @Test func aCooperativeGroupCommittingEveryBatchConvergesAfterAJoin() throws {
        let a = try Self.run("join@1s", assignor: .cooperativeSticky, commit: .sync, duration: Self.coopJoinTraffic)
        let join = try #require(a.events.first)
        // two rounds and a margin for one lost SyncGroup race: a round waits session.timeout.ms − 1 s (5 s) on the
        // embedded broker, and up to the whole session timeout (6 s) for a SyncGroup on librdkafka 2.16's mock
        let convergence = try #require(join.convergenceMs, "not converged: \(join.stateAtWindowEnd); notes \(a.notes)")
        #expect(convergence <= Self.coopJoinBoundMs, "convergence \(convergence) ms")
        #expect(a.lost == 0 && a.undrained == 0 && a.processedUnique == a.produced, "lost \(a.lostRanges), undrained \(a.undrainedRanges)")
        // (one commit may still slip in before the statistics show the rejoin, so ILLEGAL_GENERATION notes are not
        // asserted away: convergence is what the gate must give)
    }

    /// The same group without the gate, on a librdkafka with the fix for #4059 (2.10.0: no rejoin on an
    /// ILLEGAL_GENERATION commit during a rebalance): it must converge and lose nothing. Not run on older
    /// libraries, where this group livelocks (the defect the gate works around; measured in the published
    /// `rebalance-seed-sync-nogate` runs rather than asserted, since a test that expects a defect is not a test of
    /// kbench).
    @Test(.enabled(if: LibrdkafkaRuntime.isAtLeast(.init(2, 10, 0)), "needs librdkafka ≥ 2.10.0 (the #4059 fix)"))
    func withoutTheGateACooperativeGroupCommittingEveryBatchConvergesOnAFixedLibrdkafka() throws {
        let a = try Self.run("join@1s", assignor: .cooperativeSticky, commit: .sync, duration: Self.coopJoinTraffic, commitGate: false)
        let join = try #require(a.events.first)
        let convergence = try #require(join.convergenceMs, "not converged: \(join.stateAtWindowEnd); notes \(a.notes)")
        #expect(convergence <= Self.coopJoinBoundMs, "convergence \(convergence) ms")
        #expect(a.lost == 0 && a.undrained == 0 && a.processedUnique == a.produced, "lost \(a.lostRanges), undrained \(a.undrainedRanges)")
    }

    /// A join under an eager and a cooperative assignor. The per-event figures must agree with the per-partition
    /// timeline that is published beside them.
    @Test func aJoinStallsEverythingUnderRangeAndOnlyWhatMovesUnderCooperative() throws {
        let eager = try Self.run("join@1s", assignor: .range, commit: .auto, duration: .seconds(14))
        let coop = try Self.run("join@1s", assignor: .cooperativeSticky, commit: .auto, duration: .seconds(14))
        let e = try #require(eager.events.first), c = try #require(coop.events.first)
        #expect(e.stalledPartitions == 4, "range: \(e)")
        #expect(e.maxPartitionStallMs > 1_000)
        // Under cooperative-sticky a partition that keeps its owner goes on being consumed through both rounds. A
        // consumer process can still be descheduled for a moment on a loaded host (CI runs suites side by side on
        // 2 cores: once both of c01's partitions paused ~1 s while the moved one waited 5 s), so what is asserted is
        // the difference the protocol makes: a kept partition's longest pause stays well below the moved one's wait,
        // which under an eager assignor every partition shares.
        let coopStalls = Self.longestStallMs(coop, c), kept = Self.keptPartitions(c)
        #expect(c.moved == 1, "cooperative-sticky: \(c)")
        let keptWorst = kept.map { coopStalls[$0] ?? 0 }.max() ?? 0
        #expect(keptWorst < c.maxPartitionStallMs / 2, "cooperative-sticky: longest stall per partition \(coopStalls), kept \(kept)")
        let eagerStalls = Self.longestStallMs(eager, e)
        #expect((Int32(0)..<4).allSatisfy { (eagerStalls[$0] ?? 0) > 1_000 }, "range: longest stall per partition \(eagerStalls)")
        #expect(c.partitionSecondsUnconsumed < e.partitionSecondsUnconsumed, "coop \(c) vs range \(e)")
        for (analysis, event) in [(eager, e), (coop, c)] {
            #expect(event.converged, "\(analysis.assignor): \(event.stateAtWindowEnd)")
            Self.checkAgainstPartitionTimeline(analysis, event)
            // take-one-at-a-time consumption and store-after-processing: nothing lost
            #expect(analysis.lost == 0, "\(analysis.assignor): lost \(analysis.lostRanges)")
        }
    }

    /// The longest run of 100 ms timeline buckets, per partition, in which the partition stalled within the event's
    /// window, in milliseconds (the stalled milliseconds of consecutive stalled buckets, summed).
    static func longestStallMs(_ a: RebalanceAnalysis, _ e: RebalanceEventResult) -> [Int32: Double] {
        let rows = a.partitionTimeline.filter { $0.tSeconds >= e.atSeconds - 0.1 && $0.tSeconds < e.windowEndSeconds }
        var longest: [Int32: Double] = [:], running: [Int32: Double] = [:]
        for r in rows.sorted(by: { $0.tSeconds < $1.tSeconds }) {
            running[r.partition] = r.stalledMs > 0 ? (running[r.partition] ?? 0) + r.stalledMs : 0
            longest[r.partition] = max(longest[r.partition] ?? 0, running[r.partition] ?? 0)
        }
        return longest
    }

    /// The partitions whose owner is the same before and after the event ("c01:0+2 c02:1+3" notation).
    static func keptPartitions(_ e: RebalanceEventResult) -> [Int32] {
        func owners(_ s: String) -> [Int32: Substring] {
            var o: [Int32: Substring] = [:]
            for entry in s.split(separator: " ") {
                let parts = entry.split(separator: ":")
                guard parts.count == 2 else { continue }
                for p in parts[1].split(separator: "+") { if let n = Int32(p) { o[n] = parts[0] } }
            }
            return o
        }
        let before = owners(e.assignmentBefore), after = owners(e.assignmentAfter)
        return before.keys.filter { before[$0] == after[$0] }.sorted()
    }

    /// Recomputes the event's per-partition figures from the 100 ms partition timeline (to within a bucket).
    static func checkAgainstPartitionTimeline(_ a: RebalanceAnalysis, _ e: RebalanceEventResult) {
        let rows = a.partitionTimeline.filter { $0.tSeconds >= e.atSeconds - 0.1 && $0.tSeconds < e.windowEndSeconds }
        let stalled = Set(rows.filter { $0.stalledMs > 0 }.map(\.partition))
        // a stall that begins in the window's last moments and runs on belongs to the next event (the event row
        // leaves it out; the timeline's last bucket still shows its first milliseconds)
        let last = rows.map(\.tSeconds).max()
        let onlyAtTheEnd = Set(
            stalled.filter { p in rows.allSatisfy { $0.partition != p || $0.stalledMs == 0 || ($0.tSeconds == last && $0.stalledMs <= 250) } })
        #expect(
            (stalled.count - onlyAtTheEnd.count...stalled.count).contains(e.stalledPartitions),
            "\(a.assignor): timeline stalled \(stalled.sorted()) vs \(e.stalledPartitions)")
        let unconsumed = rows.reduce(0.0) { $0 + $1.stalledMs } / 1000
        #expect(
            abs(unconsumed - e.partitionSecondsUnconsumed) < 0.2 + 0.05 * e.partitionSecondsUnconsumed,
            "\(a.assignor): timeline \(unconsumed) partition-s vs \(e.partitionSecondsUnconsumed)")
        // the deficit is the peak of the summed lag's growth since the event
        var lagAt: [Double: Int] = [:]
        for r in rows { lagAt[r.tSeconds, default: 0] += r.lag }
        let times = lagAt.keys.sorted()
        let base = times.first.map { lagAt[$0]! } ?? 0
        let peak = (times.map { lagAt[$0]! }.max() ?? 0) - base
        #expect(abs(peak - e.deficitMessages) <= max(20, e.deficitMessages / 10), "\(a.assignor): timeline peak \(peak) vs \(e.deficitMessages)")
        // at convergence every partition has an owner again
        if let conv = e.convergenceMs {
            let t = ((e.atSeconds + conv / 1000) * 10).rounded(.down) / 10
            let owners = a.partitionTimeline.filter { abs($0.tSeconds - t) < 0.01 }
            #expect(owners.allSatisfy { !$0.owner.isEmpty }, "\(a.assignor): at \(t) s \(owners.map(\.owner))")
        }
    }

    /// The whole run as a library caller drives it: every assignor's files appear (rows of each), the metadata
    /// says what ran and reports the applied properties, and a second run onto the same files is refused before it
    /// connects anything.
    @Test(.removesTemporaryFiles) func aRunOfTwoAssignorsWritesEveryFileWithoutTheCommandLine() throws {
        let dir = try TestSupport.tempDirectory(), csv = dir + "/r.csv"
        let parsed = try RebalanceScript(parsing: "join@1s", consumers: 1, duration: .seconds(5))
        var c = RebalanceConfiguration(partitions: 2, consumers: 1, script: parsed, duration: .seconds(5))
        c.rate = 200
        c.assignors = [.range, .roundrobin]
        let cluster = try ClusterConnection(embeddedBrokers: 1)
        let run = try RebalanceRun(configuration: c, cluster: cluster, csvPath: csv, plotsDir: dir, commandLine: "kbench rebalance (test)", render: false)
        let outcome = try run.run()
        #expect(!outcome.interrupted && outcome.analyses.map(\.assignor) == [.range, .roundrobin])
        #expect(outcome.lost == 0 && outcome.embeddedTimers != nil)
        let events = try TestSupport.csvRows(dir + "/r-events.csv")
        #expect(Set(events.map { $0["assignor"] ?? "" }) == ["range", "roundrobin"], "\(events)")
        #expect(try TestSupport.csvRows(dir + "/r-totals.csv").count == 2)
        let meta = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/r.meta.json"))) as? [String: Any]
        #expect(meta?["kind"] as? String == "rebalance" && meta?["status"] as? String == "completed")
        #expect((meta?["consumer_properties_source"] as? String)?.hasPrefix("applied") == true, "\(meta ?? [:])")
        #expect((meta?["settings"] as? [String: Any])?["session_timeout"] as? String == "6s")
        #expect(FileManager.default.fileExists(atPath: dir + "/r-timeline.gp"))
        #expect(throws: RunError.self) {
            _ = try RebalanceRun(configuration: c, cluster: cluster, csvPath: csv, plotsDir: dir, commandLine: "again", render: false)
        }
    }

    /// Under the classic protocol the embedded broker's coordinator ignores group.instance.id: refused with the
    /// reason, before anything starts.
    @Test func staticMembershipIsRefusedOnTheEmbeddedBrokerUnderTheClassicProtocol() throws {
        let parsed = try RebalanceScript(parsing: "kill@1s, restart@2s", consumers: 2, duration: .seconds(5))
        var c = RebalanceConfiguration(partitions: 2, consumers: 2, script: parsed, duration: .seconds(5))
        c.staticMembership = true
        let runner = try RebalanceRunner(configuration: c, cluster: try ClusterConnection(embeddedBrokers: 1), runId: "s")
        do {
            _ = try runner.run(assignor: .range, embedded: true)
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".contains("not supported by the embedded broker under the classic protocol"), "\(error)")
        }
    }
}
