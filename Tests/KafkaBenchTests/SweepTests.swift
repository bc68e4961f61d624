import Foundation
import Testing

@testable import KafkaBench

/// Real sweeps on the embedded broker, with consumer worker processes (small sizes, short windows).
@Suite(.serialized, .removesTemporaryFiles) struct SweepTests {
    static func sweep(_ configure: (inout SweepConfiguration) -> Void, partitions: [Int], consumers: [Int]) throws -> [TrialRow] {
        var c = SweepConfiguration(partitions: partitions, consumers: consumers)
        c.duration = .seconds(1)
        c.warmup = .milliseconds(300)
        configure(&c)
        let dir = try TestSupport.tempDirectory()
        let cluster = try ClusterConnection(embeddedBrokers: 1)
        let runner = try SweepRunner(configuration: c, cluster: cluster, csvPath: dir + "/sweep.csv", commandLine: "test")
        let outcome = try runner.run()
        // what was returned is exactly what the CSV holds
        let csv = try TestSupport.csvRows(outcome.csvPath)
        #expect(csv.count == outcome.rows.count)
        #expect(csv.map { $0["msgs_per_s"] } == outcome.rows.map { $0.cells[TrialRow.columns.firstIndex(of: "msgs_per_s")!] })
        return outcome.rows
    }

    @Test func consumersBeyondPartitionsAreIdleAndAddNothing() throws {
        let rows = try Self.sweep({ _ in }, partitions: [2], consumers: [1, 2, 3])
        #expect(rows.count == 3)
        for r in rows {
            #expect(r.status == .ok, "\(r.consumers): \(r.reason)")
            #expect(r.lost == 0)
            #expect(r.duplicates == 0)
            #expect(r.joinMs > 0)
            #expect(r.consumed > 0)
        }
        let (one, two, three) = (rows[0], rows[1], rows[2])
        // the barrier held: every partition held by exactly one consumer
        #expect(two.minPartitionsPerConsumer == 1 && two.maxPartitionsPerConsumer == 1)
        #expect(three.idleConsumers == 1 && three.activeConsumers == 2)
        #expect(three.idleNames.split(separator: " ").count == 1)
        #expect(three.minPartitionsPerConsumer == 0 && three.maxPartitionsPerConsumer == 1)
        // shape: 2 consumers about double 1; a third on 2 partitions gains nothing. A row measured while the host was
        // saturated or its CPU stolen measures the host (its consumers' timers woke late), so it is not compared.
        let host = rows.map { "C=\($0.consumers): host CPU \($0.hostCpuPct)%, steal \($0.hostStealPct)%" }.joined(separator: "; ")
        let quiet = { (r: TrialRow) in !HostCPU.measuresHost(cpuPct: r.hostCpuPct, stealPct: r.hostStealPct) }
        let scale = two.msgsPerS / one.msgsPerS
        if quiet(one) && quiet(two) { #expect(scale > 1.6 && scale < 2.4, "2 vs 1 consumers: \(scale)x (\(host))") }
        let extra = three.msgsPerS / two.msgsPerS
        if quiet(two) && quiet(three) { #expect(extra > 0.8 && extra < 1.15, "3 vs 2 consumers on 2 partitions: \(extra)x (\(host))") }
        #expect(abs(two.modelWindow - 2 * one.msgsPerS) < 1)
    }

    @Test func rangeAndRoundRobinBalanceTwoTopicsDifferently() throws {
        let rows = try Self.sweep(
            { c in
                c.topics = 2
                c.assignors = [.range, .roundrobin]
                c.duration = .milliseconds(300)
            }, partitions: [3], consumers: [2])
        let range = try #require(rows.first { $0.assignor == "range" })
        let rr = try #require(rows.first { $0.assignor == "roundrobin" })
        // range assigns topic by topic: 2+1 per topic, the same member first each time → 4 and 2
        #expect(range.minPartitionsPerConsumer == 2 && range.maxPartitionsPerConsumer == 4)
        // roundrobin spreads all six partitions → 3 and 3
        #expect(rr.minPartitionsPerConsumer == 3 && rr.maxPartitionsPerConsumer == 3)
    }

    @Test func drainConsumesEverythingExactlyOnce() throws {
        let rows = try Self.sweep(
            { c in
                c.mode = .drain
                c.work = .none
                c.messages = 3_000
                c.assignors = [.cooperativeSticky]
            }, partitions: [3], consumers: [2])
        let r = try #require(rows.first)
        #expect(r.status == .ok, "\(r.reason)")
        #expect(r.consumed == 3_000)
        #expect(r.lost == 0 && r.duplicates == 0)
        #expect(r.seconds > 0)
    }

    @Test func partitionDrainedInsideTheWindowFailsTheTrial() throws {
        let rows = try Self.sweep(
            { c in
                c.work = .none
                c.messages = 500
            }, partitions: [1], consumers: [1])
        let r = try #require(rows.first)
        #expect(r.status == .failed)
        #expect(r.reason.contains("ran out of backlog inside the window"))
    }
}
