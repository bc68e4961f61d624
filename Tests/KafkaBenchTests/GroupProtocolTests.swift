import Foundation
import Testing

@testable import KafkaBench

/// The consumer group protocol (KIP-848) beside the classic one: what kbench sets per protocol, what it refuses,
/// and live rebalances under the consumer protocol on the embedded broker (librdkafka ≥ 2.12: the second pass of
/// `scripts/test`).
@Suite(.serialized, .removesTemporaryFiles) struct GroupProtocolTests {
    static let consumerProtocolRuns = LibrdkafkaRuntime.isAtLeast(GroupProtocol.consumerMinimumLibrdkafka)

    @Test func eachProtocolGetsOnlyItsOwnProperties() {
        let base = ConsumerProperties(
            cluster: KafkaConfig(["bootstrap.servers": "b:9092"]), embedded: true, mode: ["session.timeout.ms": "7000"], commit: .sync)
        let classic = base.forGroup("g", assignor: .cooperativeSticky)
        #expect(classic["partition.assignment.strategy"] == "cooperative-sticky")
        #expect(classic["session.timeout.ms"] == "7000" && classic["heartbeat.interval.ms"] == "500")
        #expect(classic["group.protocol"] == nil)
        for (strategy, remote) in [(Assignor.consumer, nil), (.consumerUniform, "uniform"), (.consumerRange, "range")] {
            let p = base.forGroup("g", assignor: strategy)
            #expect(p["group.protocol"] == "consumer" && p["group.remote.assignor"] == remote)
            for key in ConsumerProperties.classicOnlyKeys { #expect(p[key] == nil, "\(strategy): \(key)") }
            #expect(p["group.id"] == "g" && p["enable.auto.commit"] == "false")
        }
    }

    @Test func strategiesFollowTheProtocolsInOrder() throws {
        #expect(
            Assignor.strategies(protocols: [.classic, .consumer], assignors: [.range, .cooperativeSticky], remoteAssignor: .uniform)
                == [.range, .cooperativeSticky, .consumerUniform])
        #expect(Assignor.strategies(protocols: [.consumer], assignors: [.range], remoteAssignor: nil) == [.consumer])
        #expect(try GroupProtocol.parseList("consumer, classic") == [.consumer, .classic])
        #expect(throws: UsageError.self) { try GroupProtocol.parseList("kip848") }
        #expect(throws: UsageError.self) { try Assignor.parseList("consumer-uniform") }
    }

    @Test func classicOnlyPropertiesAreRefusedUnderTheConsumerProtocol() {
        do {
            try ConsumerProperties.checkUserProperties(["session.timeout.ms": "10000"], strategies: [.range, .consumer])
            Issue.record("accepted")
        } catch {
            #expect(error.message.contains("session.timeout.ms does not apply under --group-protocol consumer"), "\(error.message)")
        }
        #expect(throws: Never.self) { try ConsumerProperties.checkUserProperties(["session.timeout.ms": "10000"], strategies: [.range]) }
        #expect(throws: UsageError.self) { try ConsumerProperties.checkUserProperties(["group.protocol": "consumer"], strategies: [.range]) }
    }

    /// On a librdkafka older than 2.12 the consumer protocol is refused at once, naming the version it needs.
    @Test func theConsumerProtocolIsRefusedOnAnOldLibrdkafka() throws {
        let system = try ClientRuntimeTests.systemLibrary()
        let version = try #require(try LibrdkafkaSelection.resolve(system)).version
        try #require(version < GroupProtocol.consumerMinimumLibrdkafka, "the system librdkafka is \(version)")
        for command in [
            ["rebalance", "--partitions", "6", "--consumers", "3", "--script", "join@4s", "--duration", "10s"],
            ["sweep", "--partitions", "2", "--consumers", "1"],
        ] {
            let run = try TestSupport.kbench(command + ["--group-protocol", "consumer", "--librdkafka", system], timeout: 20)
            #expect(run.status == 64, "\(run.stderr)")
            #expect(run.stderr.contains("needs librdkafka 2.12.0") && run.stderr.contains("--librdkafka"), "\(run.stderr)")
            #expect(run.seconds < 5)
        }
        let mixed = try TestSupport.kbench(
            ["sweep", "--partitions", "2", "--consumers", "1", "--group-protocol", "consumer", "--assignor", "roundrobin"], timeout: 20)
        #expect(mixed.status == 64 && mixed.stderr.contains("the broker assigns there"), "\(mixed.stderr)")
    }

    /// A join, a leave and a kill under the consumer protocol on the embedded broker: each converges, nothing is
    /// lost or left undrained, and every partition is consumed by one member at the end.
    @Test(.enabled(if: consumerProtocolRuns, "needs librdkafka ≥ 2.12.0 (the second pass of scripts/test)"))
    func aJoinALeaveAndAKillConvergeUnderTheConsumerProtocol() throws {
        let script = try RebalanceScript(parsing: "join@2s, leave@8s, kill@14s", consumers: 3, duration: .seconds(26))
        var c = RebalanceConfiguration(partitions: 6, consumers: 3, script: script, duration: .seconds(26))
        c.rate = 400
        c.commit = .sync
        c.assignors = [.consumerUniform]
        let cluster = try ClusterConnection(embeddedBrokers: 1)
        let runner = try RebalanceRunner(configuration: c, cluster: cluster, runId: "kip848\(getpid())")
        let a = RebalanceAnalysis.analyze(try runner.run(assignor: .consumerUniform, embedded: true))
        #expect(a.events.map(\.action) == ["join", "leave", "kill"])
        for e in a.events {
            #expect(e.converged, "\(e.action): \(e.stateAtWindowEnd); notes \(a.notes)")
        }
        #expect(a.lost == 0 && a.undrained == 0 && a.processedUnique == a.produced, "lost \(a.lostRanges), undrained \(a.undrainedRanges)")
        let applied = try #require(runner.appliedProperties)
        #expect(applied["group.protocol"] == "consumer" && applied["group.remote.assignor"] == "uniform")
    }

    /// Static membership under the consumer protocol on the embedded broker: a rolling restart whose members keep
    /// their group.instance.id takes their partitions back without a partition stalling past the threshold, while the
    /// same deploy without it stalls partitions (measured on 2.16.0: 0 against 4 stalled, 0.0 against 2.2
    /// partition-s). Nothing is lost either way.
    @Test(.enabled(if: consumerProtocolRuns, "needs librdkafka ≥ 2.12.0 (the second pass of scripts/test)"))
    func staticMembersRestartWithoutAStallUnderTheConsumerProtocol() throws {
        func deploy(staticMembership: Bool) throws -> RebalanceAnalysis {
            let script = try RebalanceScript(parsing: "rolling-restart@2s", consumers: 3, duration: .seconds(12))
            var c = RebalanceConfiguration(partitions: 6, consumers: 3, script: script, duration: .seconds(12))
            c.rate = 600
            c.assignors = [.consumerUniform]
            c.staticMembership = staticMembership
            let cluster = try ClusterConnection(embeddedBrokers: 1)
            let runner = try RebalanceRunner(configuration: c, cluster: cluster, runId: "static\(staticMembership)\(getpid())")
            return RebalanceAnalysis.analyze(try runner.run(assignor: .consumerUniform, embedded: true))
        }
        let withStatic = try deploy(staticMembership: true), without = try deploy(staticMembership: false)
        let staticDeploy = try #require(withStatic.events.first), plainDeploy = try #require(without.events.first)
        // compared side by side, not against a bound: a loaded host slows both restarts
        #expect(staticDeploy.converged, "\(staticDeploy)")
        let report =
            "static: \(staticDeploy.partitionSecondsUnconsumed) partition-s, longest \(staticDeploy.maxPartitionStallMs) ms; without: "
            + "\(plainDeploy.partitionSecondsUnconsumed) partition-s, longest \(plainDeploy.maxPartitionStallMs) ms"
        #expect(staticDeploy.partitionSecondsUnconsumed < plainDeploy.partitionSecondsUnconsumed, "\(report)")
        #expect(staticDeploy.maxPartitionStallMs < plainDeploy.maxPartitionStallMs, "\(report)")
        #expect(withStatic.lost == 0 && without.lost == 0)
    }
}
