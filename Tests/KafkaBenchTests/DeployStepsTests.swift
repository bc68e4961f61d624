import Foundation
import Testing

@testable import KafkaBench

/// The deploy steps of a rebalance script: `rolling-restart@TIME[:GAP]` and `stall@TIME:CONSUMER:DURATION`.
@Suite struct DeployStepScriptTests {
    @Test func parsesARollingRestartWithAndWithoutAGap() throws {
        let s = try RebalanceScript(parsing: "rolling-restart@5s, rolling-restart@20s:1500ms", consumers: 3, duration: .seconds(40))
        #expect(s.steps.map(\.action) == [.rollingRestart, .rollingRestart])
        #expect(s.steps.map(\.gap) == [.seconds(0), .milliseconds(1500)])
        #expect(s.steps.map(\.text) == ["rolling-restart@5s", "rolling-restart@20s:1500ms"])
        #expect(!s.steps[0].action.isBrokerFault)
    }

    @Test func parsesAStallAndNormalisesTheSlotName() throws {
        let s = try RebalanceScript(parsing: "stall@5s:c1:8s, join@6s, stall@7s:C04:250ms", consumers: 3, duration: .seconds(30))
        #expect(s.steps.map(\.action) == [.stall, .join, .stall])
        #expect(s.steps.map(\.consumer) == ["c01", nil, "c04"])
        #expect(s.steps.map(\.stallDuration) == [.seconds(8), nil, .milliseconds(250)])
    }

    /// A restarted slot is running again; a slot that left is not.
    @Test func aStallFollowsTheSlotsThroughLeaveAndRestart() throws {
        _ = try RebalanceScript(parsing: "leave@1s, restart@2s, stall@3s:c01:1s", consumers: 2, duration: .seconds(10))
        _ = try RebalanceScript(parsing: "rolling-restart@1s, stall@9s:c02:1s", consumers: 2, duration: .seconds(20))
    }

    /// librdkafka refuses max.poll.interval.ms below session.timeout.ms under the classic protocol.
    @Test func aMaxPollIntervalBelowTheSessionTimeoutIsRefused() throws {
        var c = RebalanceConfiguration(
            partitions: 2, consumers: 2, script: try RebalanceScript(parsing: "stall@1s:c01:8s", consumers: 2, duration: .seconds(5)),
            duration: .seconds(5))
        c.maxPollInterval = .seconds(5)
        c.sessionTimeout = .seconds(6)
        #expect(throws: UsageError.self) { try c.validate() }
        do { try c.validate() } catch {
            #expect(error.message.contains("--max-poll-interval (5s) must be at least --session-timeout (6s)"), "\(error.message)")
        }
        c.sessionTimeout = .seconds(5)
        try c.validate()
    }

    /// The departure of a stalled member is placed at the stall's start + max.poll.interval.ms + librdkafka's overrun.
    @Test func aStalledMemberLeftAtTheIntervalPlusTheOverrun() {
        let message = "consumer error: Application maximum poll interval (5000ms) exceeded by 151ms"
        #expect(ConsumerLoop.leftGroupNs(stallStartNs: 1_000_000_000, maxPollIntervalMs: 5000, message: message) == 6_151_000_000)
        #expect(ConsumerLoop.leftGroupNs(stallStartNs: 1_000_000_000, maxPollIntervalMs: 5000, message: "other text") == 6_000_000_000)
    }

    @Test(arguments: [
        ("stall@5s:c04:8s", "consumer c04 does not exist at 5s: the slots then are c01 c02 c03"),
        ("leave@2s, stall@5s:c01:8s", "consumer c01 is not running at 5s"),
        ("stall@5s:c01:0s", "DURATION must be above 0"),
        ("stall@5s:c01:-1s", "must not be negative"),
        ("stall@5s:c01", "expected stall@TIME:CONSUMER:DURATION"),
        ("stall@5s", "expected stall@TIME:CONSUMER:DURATION"),
        ("stall@5s:c01:8s:1s", "expected stall@TIME:CONSUMER:DURATION"),
        ("stall@5s:x01:8s", "'x01' is not a consumer slot"),
        ("stall@5s:c0:8s", "'c0' is not a consumer slot"),
        ("stall@5s:c01:8", "DURATION: invalid duration '8': a unit is required"),
        ("rolling-restart@5s:2", "GAP: invalid duration '2'"),
        ("rolling-restart@5s:1s:2s", "expected rolling-restart@TIME or rolling-restart@TIME:GAP"),
    ])
    func badDeployStepsSayWhatIsWrongAndTheAcceptedForm(script: String, expected: String) {
        do {
            _ = try RebalanceScript(parsing: script, consumers: 3, duration: .seconds(30))
            Issue.record("'\(script)' was accepted")
        } catch {
            #expect(error.message.contains("invalid --script step"), "\(error.message)")
            #expect(error.message.contains(expected), "\(error.message)")
            #expect(error.message.contains("rolling-restart@TIME[:GAP]") && error.message.contains("stall@TIME:CONSUMER:DURATION"), "\(error.message)")
        }
    }
}

/// The deploy steps live, on the embedded broker (its classic rounds wait session.timeout.ms − 1 s): short groups
/// of 2 consumers on 4 partitions at 400 events/s.
@Suite(.serialized) struct DeployStepsRunTests {
    static func run(
        _ script: String, assignor: Assignor = .range, duration: DurationValue, sessionTimeout: DurationValue, maxPollInterval: DurationValue? = nil
    ) throws -> (RebalanceRecording, RebalanceAnalysis) {
        let parsed = try RebalanceScript(parsing: script, consumers: 2, duration: duration)
        var c = RebalanceConfiguration(partitions: 4, consumers: 2, script: parsed, duration: duration)
        c.rate = 400
        c.assignors = [assignor]
        c.sessionTimeout = sessionTimeout
        c.maxPollInterval = maxPollInterval ?? c.maxPollInterval
        try c.validate()
        let cluster = try ClusterConnection(embeddedBrokers: 1)
        let runner = try RebalanceRunner(configuration: c, cluster: cluster, runId: "d\(getpid())")
        let recording = try runner.run(assignor: assignor, embedded: true)
        return (recording, RebalanceAnalysis.analyze(recording))
    }

    /// Every consumer restarted once, in slot order, each stopped only after the previous one had rejoined; one
    /// event with a row per consumer; nothing lost.
    @Test func aRollingRestartRestartsEachConsumerInTurnAndLosesNothing() throws {
        let (r, a) = try Self.run("rolling-restart@2s", duration: .seconds(22), sessionTimeout: .seconds(4))
        let deploy = try #require(r.events.first)
        #expect(r.events.count == 1 && deploy.action == .rollingRestart)
        #expect(deploy.turns.map(\.name) == ["c01", "c02"], "notes: \(r.notes)")
        for (i, turn) in deploy.turns.enumerated() {
            let restarted = try #require(turn.restartedWorker, "\(turn.name) was not started again; notes: \(r.notes)")
            #expect(r.workers[restarted].name == turn.name)
            #expect(r.workers[restarted].spawnNs >= turn.stopNs)
            #expect(r.workers[turn.stoppedWorker].endNs.map { $0 <= r.workers[restarted].spawnNs } == true)
            let rejoined = try #require(turn.rejoinedNs, "\(turn.name) did not rejoin; notes: \(r.notes)")
            if i + 1 < deploy.turns.count { #expect(deploy.turns[i + 1].stopNs >= rejoined, "the next consumer stopped before \(turn.name) rejoined") }
        }
        // each slot ran twice: the original process and its restart
        #expect(Dictionary(grouping: r.workers, by: \.name).mapValues(\.count) == ["c01": 2, "c02": 2])
        #expect(a.events.map(\.part) == ["", "1/2", "2/2"])
        #expect(a.events.map(\.target) == ["c01 c02", "c01", "c02"])
        #expect(a.events.allSatisfy { $0.action == "rolling-restart" })
        #expect(a.events.dropFirst().allSatisfy { $0.rejoinMs != nil })
        #expect(a.events[1].windowEndSeconds == a.events[2].atSeconds)
        #expect(a.lost == 0 && a.undrained == 0 && a.processedUnique == a.produced, "lost \(a.lostRanges), undrained \(a.undrainedRanges)")
        let csv = RebalanceOutput.eventsCSV([a], runId: "t", broker: "embedded")
        #expect(csv.hasPrefix("# kbench rebalance events schema 4\n"))
        #expect(csv.split(separator: "\n").count == 2 + 3)
    }

    /// A stall longer than max.poll.interval.ms: the stalled member leaves the group while it is stalled, the other
    /// takes its partitions, the batch it had processed but not committed is read again (duplicates), and it
    /// rejoins when it polls again; nothing lost.
    @Test func aStallPastTheMaxPollIntervalHandsThePartitionsOverAndLosesNothing() throws {
        let (r, a) = try Self.run(
            "stall@2s:c01:8s", duration: .seconds(20), sessionTimeout: .seconds(3), maxPollInterval: .seconds(3))
        let stall = try #require(r.events.first)
        #expect(stall.action == .stall && r.workers[stall.worker].name == "c01")
        let stalled = stall.worker
        let endNs = stall.ns + 8_000_000_000
        let before = try #require(r.assignments.last { $0.worker == stalled && $0.ns <= stall.ns }?.partitions)
        #expect(!before.isEmpty)
        // the member left while stalled (librdkafka's max.poll.interval.ms; reported at its time)
        #expect(
            r.assignments.contains { $0.worker == stalled && $0.ns > stall.ns && $0.ns < endNs && $0.partitions.isEmpty },
            "assignments: \(r.assignments.map { (r.workers[$0.worker].name, Double($0.ns - r.startNs) / 1e9, $0.partitions) })")
        // and the other member took its partitions during the stall
        #expect(
            r.assignments.contains { $0.worker != stalled && $0.ns > stall.ns && $0.ns < endNs && Set(before).isSubset(of: $0.partitions) },
            "assignments: \(r.assignments.map { (r.workers[$0.worker].name, Double($0.ns - r.startNs) / 1e9, $0.partitions) })")
        // it rejoined after the stall: it holds partitions again
        #expect(r.assignments.contains { $0.worker == stalled && $0.ns > endNs && !$0.partitions.isEmpty })
        let row = try #require(a.events.first)
        #expect(row.action == "stall" && row.target == "c01")
        #expect(row.duplicates > 0 && a.duplicates > 0, "the uncommitted batch was not read again: \(row)")
        #expect(row.stalledPartitions >= before.count)
        #expect(a.lost == 0 && a.undrained == 0 && a.processedUnique == a.produced, "lost \(a.lostRanges), undrained \(a.undrainedRanges)")
    }
}
