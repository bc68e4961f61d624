/// Waits for every worker's final result, in member order.
/// Shared by the window and drain modes, which differ only in their deadline and in what a late worker means.
enum FinalResults {
    /// Polls the group every 50 ms until every member sent its `final`, then returns them in member order; `each`
    /// is called after every poll with the time (CLOCK_MONOTONIC ns). Fails the trial with `late`'s text (given the
    /// names still missing) once `deadlineNs` passes, and on a fatal worker error, an exit before the final result
    /// or an interruption (`TrialEngine.poll`).
    static func collect(
        _ group: WorkerGroup, engine: TrialEngine, deadlineNs: UInt64, each: (UInt64) -> Void = { _ in },
        late: ([String]) -> String
    ) throws(TrialFailure) -> [WorkerFinal] {
        while group.members.contains(where: { $0.final == nil }) {
            try engine.poll(group, timeoutMs: 50)
            let now = MonotonicClock.nanoseconds()
            each(now)
            if now > deadlineNs {
                throw TrialFailure(late(group.members.filter { $0.final == nil }.map(\.name)))
            }
        }
        return group.members.map { $0.final! }
    }
}
