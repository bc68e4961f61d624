/// Waits for every worker's final result, in member order.
enum FinalResults {
    static func collect(_ group: WorkerGroup, engine: TrialEngine, deadlineNs: UInt64,
                        late: ([String]) -> String) throws(TrialFailure) -> [WorkerFinal] {
        while group.members.contains(where: { $0.final == nil }) {
            try engine.poll(group, timeoutMs: 50)
            if MonotonicClock.nanoseconds() > deadlineNs {
                throw TrialFailure(late(group.members.filter { $0.final == nil }.map(\.name)))
            }
        }
        return group.members.map { $0.final! }
    }
}
