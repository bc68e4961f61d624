extension RebalanceAnalysis {
    /// A `rolling-restart`'s rows per consumer, after its whole row: turn k from its stop to turn k+1's stop (the
    /// last to `tN`, the end of the deploy's window), measured by `row` like any event, with the stopped process as
    /// the event's worker. `row` takes (event, from, to, previous turn converged, is the last turn); the first turn
    /// inherits `previousConverged` from the event before the deploy, each later one the convergence of the turn
    /// before it. Turns that stop at or after `tN` are dropped (the deploy outlived its window).
    static func turnRows(
        _ event: RebalanceRecording.Event, to tN: UInt64, previousConverged: Bool,
        row: (RebalanceRecording.Event, UInt64, UInt64, Bool, Bool) -> RebalanceEventResult
    ) -> [RebalanceEventResult] {
        var rows: [RebalanceEventResult] = []
        var previous = previousConverged
        for (i, turn) in event.turns.enumerated() {
            let end = i + 1 < event.turns.count ? event.turns[i + 1].stopNs : tN
            guard turn.stopNs < tN else { break }
            var e = row(
                .init(action: event.action, ns: turn.stopNs, worker: turn.stoppedWorker), turn.stopNs, min(end, tN), previous, i + 1 == event.turns.count)
            e.part = "\(i + 1)/\(event.turns.count)"
            e.rejoinMs = turn.rejoinedNs.map { ms($0 - turn.stopNs) }
            previous = e.converged
            rows.append(e)
        }
        return rows
    }
}
