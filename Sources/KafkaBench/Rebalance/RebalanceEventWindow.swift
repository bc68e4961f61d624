import Histogram

extension RebalanceAnalysis {
    /// A worker's last reported join state at or before `ns` ("steady", "wait-join", …); nil when it had reported
    /// none yet, which callers read as "steady" (the group passed the stable-group barrier before traffic).
    static func lastStateBefore(_ r: RebalanceRecording, worker: Int, ns: UInt64) -> String? {
        r.groupStates.filter { $0.worker == worker && $0.ns <= ns }.max { $0.ns < $1.ns }?.state
    }

    /// One event's row, measured over its window [`tE`, `tN`) in monotonic ns: detection, convergence, stalls,
    /// deficit, group pause, moved partitions, latency of what was produced in the window, duplicates and losses.
    /// `previousConverged` is whether the event before it converged; when it did not (or another member was not
    /// "steady" at `tE`) detection counts only members leaving "steady". `lostOffsets` are the run's lost ranges with
    /// their estimated production time, which places each in one window. The caller (`analyze`) adds the figures
    /// that need run-wide inputs: order audit, producer, lag, command.
    static func analyzeEvent(
        _ event: RebalanceRecording.Event, from tE: UInt64, to tN: UInt64, previousConverged: Bool, recording r: RebalanceRecording,
        samples: [RebalanceRecording.Sample], partitions: [PartitionActivity], ownership: GroupOwnership,
        lostOffsets: [(partition: Int32, range: OffsetRange, producedNs: UInt64)]
    ) -> RebalanceEventResult {
        // Detection: another member leaves "steady" (or, when the group was settled at the event, changes its
        // assignment). While an earlier rebalance is still running, its changes would be mistaken for detection.
        let others = { (w: Int) in w != event.worker && r.alive(w, at: tE) }
        var lastState: [Int: String] = [:]
        var leftSteady: UInt64? = nil
        for g in r.groupStates.sorted(by: { $0.ns < $1.ns }) where g.ns < tN {
            // a member with no report yet was steady: the group passed the stable-group barrier before traffic
            if g.ns >= tE, leftSteady == nil, others(g.worker), (lastState[g.worker] ?? "steady") == "steady", g.state != "steady" {
                leftSteady = g.ns
            }
            lastState[g.worker] = g.state
        }
        let settledAtEvent = previousConverged && r.workers.indices.filter(others).allSatisfy { lastStateBefore(r, worker: $0, ns: tE) ?? "steady" == "steady" }
        let assignmentChange =
            settledAtEvent
            ? r.assignments.filter { $0.ns >= tE && $0.ns < tN && others($0.worker) }.map(\.ns).min() : nil
        let detection = [leftSteady, assignmentChange].compactMap { $0 }.min()

        // Convergence: the earliest moment from which the state stays converged to the window's end, plus the time
        // until every partition is consumed again after it.
        let changes = [tE] + ownership.changes(from: tE + 1, to: tN)
        var settled: UInt64? = nil
        for t in changes.reversed() {
            if ownership.state(at: t).converged(partitions: r.partitions) { settled = t } else { break }
        }
        var convergedNs: UInt64? = nil
        if let settled {
            // each partition consumed again since, or with nothing left to consume (traffic may have ended)
            let firsts = partitions.map { pa in
                pa.firstConsumption(atOrAfter: settled, before: tN) ?? (pa.caughtUp(at: settled, producedBefore: tN) ? settled : nil)
            }
            if firsts.allSatisfy({ $0 != nil }) { convergedNs = firsts.compactMap { $0 }.max().map { max($0, settled) } }
        }
        // A broker fault moves no partition, so a consumption right after it says nothing: its convergence also
        // waits for every stall that overlaps the window to end (not converged while one lasts past the window).
        if event.worker < 0, let converged = convergedNs {
            // a stall that runs past the window counts only when its part inside the window is itself a stall
            let overlapping = partitions.flatMap { $0.stalls.filter { $0.start < tN && $0.end > tE } }
            let inside = overlapping.filter { $0.end <= tN }.map(\.end)
            let pastEnd = overlapping.contains { $0.end > tN && tN - max($0.start, tE) > stallThresholdNs }
            convergedNs = pastEnd ? nil : max(converged, inside.max() ?? converged)
        }
        let endState = ownership.state(at: tN > 0 ? tN - 1 : tN)

        // Per-partition stalls within the window.
        var stalled: [Int32] = [], maxStall: UInt64 = 0, maxStallPartition: Int32? = nil, unconsumedNs: UInt64 = 0
        for pa in partitions {
            let lengths = pa.stallLengths(from: tE, to: tN, thresholdNs: stallThresholdNs)
            if !lengths.isEmpty { stalled.append(pa.partition) }
            unconsumedNs += lengths.reduce(0, +)
            if let m = lengths.max(), m > maxStall { maxStall = m; maxStallPartition = pa.partition }
        }

        // Deficit: peak of produced − consumed (first processing) since the event.
        var marks: [(UInt64, Int)] = []
        for pa in partitions {
            for c in pa.consumptions where c.first {
                if c.producedNs >= tE && c.producedNs < tN { marks.append((c.producedNs, 1)) }
                if c.ns >= tE && c.ns < tN && c.producedNs >= tE { marks.append((c.ns, -1)) }
            }
        }
        marks.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        var level = 0, deficit = 0
        for m in marks { level += m.1; deficit = max(deficit, level) }

        // Group-wide pause (secondary).
        var previous = tE, groupPause: UInt64 = 0
        for s in samples where s.ns >= tE && s.ns < tN { groupPause = max(groupPause, s.ns - previous); previous = s.ns }
        groupPause = max(groupPause, tN - previous)

        let before = ownership.state(at: tE > 0 ? tE - 1 : tE)
        let after = convergedNs.map { ownership.state(at: $0) } ?? endState
        let moved = (0..<Int32(r.partitions)).filter { (before.owners[$0] ?? []) != (after.owners[$0] ?? []) }.count

        var window = newHistogram()
        var duplicates = 0
        for pa in partitions { duplicates += pa.consumptions.filter { !$0.first && $0.ns >= tE && $0.ns < tN }.count }
        // latency of the events produced inside the window (by intended send time, as losses are), to their first
        // processing: a fault's row carries what its outage cost even when those events were consumed after it
        for pa in partitions {
            for c in pa.consumptions where c.first && c.producedNs >= tE && c.producedNs < tN { _ = window.record((c.ns - c.producedNs) / 1000) }
        }
        let lost = lostOffsets.filter { $0.producedNs >= tE && $0.producedNs < tN }

        return RebalanceEventResult(
            action: event.action.rawValue, atSeconds: Double(tE - r.startNs) / 1e9, windowEndSeconds: Double(tN - r.startNs) / 1e9,
            target: event.worker >= 0 ? r.workers[event.worker].name : event.target, detectionMs: detection.map { ms($0 - tE) },
            previousRebalanceRunning: !settledAtEvent,
            convergenceMs: convergedNs.map { ms($0 - tE) },
            stateAtWindowEnd: convergedNs == nil ? ownership.problems(endState) : "",
            stalledPartitions: stalled.count, maxPartitionStallMs: ms(maxStall), maxStallPartition: maxStallPartition,
            partitionSecondsUnconsumed: Double(unconsumedNs) / 1e9, deficitMessages: deficit, groupPauseMs: ms(groupPause),
            moved: moved, assignmentBefore: ownership.describe(before), assignmentAfter: ownership.describe(after),
            latencyP50Ms: window.totalCount > 0 ? Double(window.valueAtPercentile(50)) / 1000 : 0,
            latencyP99Ms: window.totalCount > 0 ? Double(window.valueAtPercentile(99)) / 1000 : 0,
            latencyMaxMs: window.totalCount > 0 ? Double(window.max) / 1000 : 0,
            duplicates: duplicates, lost: lost.reduce(0) { $0 + Int($1.range.length) },
            lostRanges: lost.map { "\($0.partition):\($0.range)" }.joined(separator: " "),
            stalledPartitionList: stalled.map(String.init).joined(separator: " "))
    }
}
