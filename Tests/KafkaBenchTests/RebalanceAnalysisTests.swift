import Testing

@testable import KafkaBench

/// The rebalance analysis on recordings built by hand, so every expected figure is known exactly.
@Suite struct RebalanceAnalysisTests {
    static let s: UInt64 = 1_000_000_000
    static let ms: UInt64 = 1_000_000

    /// Two partitions, c01 owns both and consumes each at 100 msg/s with 5 ms latency from 0 to `until`, except
    /// offsets in `skip`; c02 joins at 2 s.
    static func recording(until: UInt64, c02Assigned: UInt64?, skip: Set<Int64> = [], second: UInt64? = nil) -> RebalanceRecording {
        var r = RebalanceRecording(assignor: .range, partitions: 2, startNs: 0, endNs: until)
        r.workers = [.init(name: "c01", spawnNs: 0), .init(name: "c02", spawnNs: 2 * s)]
        r.assignments = [.init(ns: 0, worker: 0, partitions: [0, 1])]
        if let t = c02Assigned {
            r.assignments += [.init(ns: t, worker: 0, partitions: [0]), .init(ns: t, worker: 1, partitions: [1])]
        }
        r.events = [.init(action: .join, ns: 2 * s, worker: 1)]
        if let second { r.events.append(.init(action: .join, ns: second, worker: 1)) }
        for p in Int32(0)..<2 {
            for o in Int64(0)..<Int64(until / (10 * ms)) where !skip.contains(o) || p == 1 {
                let produced = UInt64(o) * 10 * ms
                let worker = (c02Assigned.map { produced >= $0 } ?? false) && p == 1 ? 1 : 0
                r.samples.append(.init(ns: produced + 5 * ms, worker: worker, partition: p, offset: o, latencyMicros: 5_000))
            }
        }
        r.lowWatermarks = [0, 0]
        r.highWatermarks = [Int64(until / (10 * ms)), Int64(until / (10 * ms))]
        r.produced = 2 * Int(until / (10 * ms))
        return r
    }

    /// The host's CPU while the traffic ran reaches the totals and, when stolen, the summary: a consumer the
    /// hypervisor descheduled pauses its partitions as a rebalance does.
    @Test func aRunUnderStealSaysItMayMeasureTheHost() {
        var r = Self.recording(until: 5 * Self.s, c02Assigned: 3 * Self.s)
        r.hostAtStart = HostCPU(busy: 1_000, total: 10_000, steal: 100)
        r.hostAtEnd = HostCPU(busy: 1_400, total: 11_000, steal: 220)
        let a = RebalanceAnalysis.analyze(r)
        #expect(abs(a.hostCpuPct - 40) < 1e-9 && abs(a.hostStealPct - 12) < 1e-9 && a.measuresHost)
        #expect(RebalanceOutput.totalsRow(a, runId: "t", broker: "embedded").hasSuffix(",40.0,12.0\n"))
        #expect(RebalanceOutput.summary([a], embeddedTimers: nil).contains("12.0% stolen by the hypervisor"))
        let quiet = RebalanceAnalysis.analyze(Self.recording(until: 5 * Self.s, c02Assigned: 3 * Self.s))
        #expect(!quiet.measuresHost && !RebalanceOutput.summary([quiet], embeddedTimers: nil).contains("stolen"))
    }

    /// The workers are stopped after the recording ends (here 5.95 s, inside the last 100 ms bucket): that bucket
    /// still shows who owned each partition, not an empty group (a convergence in the last bucket once read as
    /// "no owners" in the published timeline).
    @Test func theLastTimelineBucketShowsTheOwnersOfTheRecording() {
        var r = Self.recording(until: 5_950 * Self.ms, c02Assigned: 3 * Self.s)
        for i in r.workers.indices { r.workers[i].endNs = 6 * Self.s }
        let a = RebalanceAnalysis.analyze(r)
        let last = a.partitionTimeline.filter { $0.tSeconds == 5.9 }
        #expect(last.map(\.owner) == ["c01", "c02"], "\(last.map(\.owner))")
        let group = a.timeline.filter { $0.tSeconds == 5.9 && $0.consumer != "group" }
        #expect(group.map(\.assigned) == [1, 1], "\(group)")
    }

    /// A stall that begins 2 ms before the next event (here: partition 0's messages from 4.000 s wait until 5 s,
    /// and the next event is at 4.002 s) belongs to that event: the earlier event's row does not count it as a
    /// stalled partition of 2 ms, the next event's row holds all of it.
    @Test func aStallThatBeginsJustBeforeTheNextEventBelongsToIt() {
        var r = Self.recording(until: 6 * Self.s, c02Assigned: 3 * Self.s, second: 4_002 * Self.ms)
        for i in r.samples.indices where r.samples[i].partition == 0 {
            let produced = UInt64(r.samples[i].offset) * 10 * Self.ms
            guard produced >= 4 * Self.s && produced < 5 * Self.s else { continue }
            r.samples[i].ns = 5 * Self.s + UInt64(r.samples[i].offset - 400) * 100_000
            r.samples[i].latencyMicros = (r.samples[i].ns - produced) / 1000
        }
        r.samples.sort { $0.ns < $1.ns }
        let a = RebalanceAnalysis.analyze(r)
        #expect(a.events[0].stalledPartitions == 0 && a.events[0].maxPartitionStallMs == 0, "\(a.events[0])")
        #expect(a.events[1].stalledPartitions == 1 && a.events[1].maxPartitionStallMs >= 990, "\(a.events[1])")
    }

    @Test func aJoinThatConvergesWithoutStalls() {
        let a = RebalanceAnalysis.analyze(Self.recording(until: 6 * Self.s, c02Assigned: 3 * Self.s))
        let e = a.events[0]
        #expect(e.converged && e.stalledPartitions == 0 && e.lost == 0 && a.lost == 0)
        #expect(e.detectionMs == 1000)  // c01's assignment changed at 3 s
        #expect(e.moved == 1 && e.assignmentAfter == "c01:0 c02:1")
    }

    /// A cooperative member revokes nothing when the rebalance starts, but its group join state leaves "steady":
    /// that is the detection, long before the assignment changes.
    @Test func detectionIsAMemberLeavingSteadyEvenWithoutAnAssignmentChange() {
        var r = Self.recording(until: 6 * Self.s, c02Assigned: 3 * Self.s)
        r.groupStates = [.init(ns: 2_400 * Self.ms, worker: 0, state: "wait-join"), .init(ns: 3 * Self.s, worker: 0, state: "steady")]
        let e = RebalanceAnalysis.analyze(r).events[0]
        #expect(e.detectionMs == 400)
        #expect(!e.previousRebalanceRunning)
    }

    /// c02 never gets a partition before the next event: the join did not converge, and the state says why.
    @Test func anEventThatDoesNotCompleteBeforeTheNextIsNotConverged() {
        let a = RebalanceAnalysis.analyze(Self.recording(until: 6 * Self.s, c02Assigned: nil, second: 4 * Self.s))
        let e = a.events[0]
        #expect(!e.converged)
        #expect(e.windowEndSeconds == 4)
        #expect(e.stateAtWindowEnd == "owners c01:0+1; idle c02", "\(e.stateAtWindowEnd)")
    }

    /// Offsets 250–259 of partition 0 (produced at 2.5–2.6 s, after the join) were never processed: the join
    /// event carries the loss, with its range, and so does the run's total.
    @Test func aLossAfterAJoinIsCountedOnTheJoinWithItsRange() {
        let a = RebalanceAnalysis.analyze(Self.recording(until: 6 * Self.s, c02Assigned: 3 * Self.s, skip: Set(250..<260)))
        #expect(a.lost == 10 && a.lostRanges == "0:250–259")
        #expect(a.events[0].lost == 10 && a.events[0].lostRanges == "0:250–259")
        #expect(a.lostBeforeFirstEvent == 0)
    }

    /// A partition nobody consumed for 1.5 s while its messages kept arriving is one stall of 1.5 s, and the
    /// group fell behind by the messages produced meanwhile.
    @Test func aStalledPartitionIsMeasuredPerPartition() {
        var r = Self.recording(until: 6 * Self.s, c02Assigned: 3 * Self.s)
        // partition 1 is not consumed between 2.5 s and 4 s; the backlog is consumed at 4 s
        r.samples = r.samples.map { x in
            var x = x
            if x.partition == 1 && x.ns >= 2_505 * Self.ms && x.ns < 4 * Self.s {
                x.latencyMicros = (4 * Self.s + 1 * Self.ms - (x.ns - 5 * Self.ms)) / 1000
                x.ns = 4 * Self.s + 1 * Self.ms
            }
            return x
        }
        let e = RebalanceAnalysis.analyze(r).events[0]
        #expect(e.stalledPartitions == 1 && e.maxStallPartition == 1)
        #expect(abs(e.maxPartitionStallMs - 1_500) < 15, "\(e.maxPartitionStallMs)")
        #expect(abs(e.partitionSecondsUnconsumed - 1.5) < 0.02)
        #expect(abs(e.deficitMessages - 150) <= 2, "\(e.deficitMessages)")
        #expect(e.groupPauseMs < 50, "partition 0 kept the group busy: \(e.groupPauseMs)")
    }

    /// Events produced while an outage lasted count in the outage's row, by intended send time, even though they
    /// were consumed after it: a broker-down at 2 s and a broker-up at 4 s, partition 1's events of 2–4 s consumed
    /// at 4.001 s. The broker-down row's p99 is of the outage's order (seconds); the broker-up row keeps the 5 ms
    /// of the events produced after it (by consumption time the backlog, p99 ~2 s, landed in the broker-up row).
    @Test func aFaultsRowCarriesTheLatencyOfTheEventsProducedDuringIt() {
        var r = Self.recording(until: 6 * Self.s, c02Assigned: nil)
        r.events = [.init(action: .brokerDown, ns: 2 * Self.s, worker: -1), .init(action: .brokerUp, ns: 4 * Self.s, worker: -1)]
        r.samples = r.samples.map { x in
            var x = x
            let produced = x.ns - 5 * Self.ms
            if x.partition == 1 && produced >= 2 * Self.s && produced < 4 * Self.s {
                x.ns = 4 * Self.s + 1 * Self.ms
                x.latencyMicros = (x.ns - produced) / 1000
            }
            return x
        }
        r.samples.sort { $0.ns < $1.ns }
        let a = RebalanceAnalysis.analyze(r)
        let down = a.events[0], up = a.events[1]
        #expect(down.latencyP99Ms >= 1_900 && down.latencyMaxMs >= 1_990, "\(down.latencyP99Ms) \(down.latencyMaxMs)")
        #expect(up.latencyP99Ms < 10 && up.latencyMaxMs < 10, "\(up.latencyP99Ms) \(up.latencyMaxMs)")
    }

    /// The timeline reads at a glance: each event's unsettled interval is shaded (to its convergence, or to the end
    /// of its window when it did not converge), its label is boxed above the lines, and the legend sits outside
    /// the panels.
    @Test func theTimelineShadesEachEventsUnsettledIntervalAndKeepsTheLegendOutside() {
        let converged = RebalanceAnalysis.analyze(Self.recording(until: 6 * Self.s, c02Assigned: 3 * Self.s))
        let script = RebalanceOutput.gnuplotScript(csvPath: "t.csv", pngPath: "t.png", analyses: [converged], title: "t")
        let event = converged.events[0]
        let until = String(format: "%.2f", event.atSeconds + event.convergenceMs! / 1000)
        #expect(script.contains("set object 1 rect from 2.00, graph 0 to \(until), graph 1"), "\(script)")
        #expect(script.contains("set key outside top center horizontal"))
        #expect(script.contains("front boxed"))
        #expect(script.contains("title 'event until the group converged'"))
        let unconverged = RebalanceAnalysis.analyze(Self.recording(until: 6 * Self.s, c02Assigned: nil))
        let end = String(format: "%.2f", unconverged.events[0].windowEndSeconds)
        #expect(
            RebalanceOutput.gnuplotScript(csvPath: "t.csv", pngPath: "t.png", analyses: [unconverged], title: "t").contains(
                "set object 1 rect from 2.00, graph 0 to \(end), graph 1 fillcolor rgb '#cc3333'"))
    }
}

@Suite struct GroupStatisticsTests {
    /// librdkafka 2.0.2 writes `"join_state": "wait-join"` (with spaces) inside the cgrp object.
    @Test func readsTheJoinStateAsLibrdkafkaWritesIt() {
        let json = #"{"name":"c","cgrp": { "state": "up", "stateage": 1200, "join_state": "wait-join", "rebalance_age": 3 }}"#
        let state = Array(json.utf8).withUnsafeBytes { GroupStatistics.joinState(in: $0) }
        #expect(state == "wait-join")
        let none = Array(#"{"name":"c"}"#.utf8).withUnsafeBytes { GroupStatistics.joinState(in: $0) }
        #expect(none == nil)
    }
}

@Suite struct UndrainedTests {
    /// Partition 0's last 100 offsets were never processed and nothing after them was: they were waiting when
    /// the run ended (undrained), not skipped (lost).
    @Test func aTailNobodyConsumedIsUndrainedNotLost() {
        var r = RebalanceAnalysisTests.recording(until: 6 * RebalanceAnalysisTests.s, c02Assigned: 3 * RebalanceAnalysisTests.s)
        r.samples.removeAll { $0.partition == 0 && $0.offset >= 500 }
        let a = RebalanceAnalysis.analyze(r)
        #expect(a.lost == 0 && a.undrained == 100 && a.undrainedRanges == "0:500–599", "\(a.lost) \(a.undrained) \(a.undrainedRanges)")
        #expect(a.events[0].lost == 0)
    }
}
