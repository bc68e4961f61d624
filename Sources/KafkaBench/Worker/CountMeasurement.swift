/// `kbench consume`: consumes at once until `limit` messages, or (without a limit) until every assigned partition
/// reached its end; then the loop exits.
/// Its figures are the loop's own totals, which `kbench consume` prints.
struct CountMeasurement: ConsumerMeasurement {
    /// Starts at once: no runner coordinates `kbench consume`.
    static let waitsForGo = false
    static let coalesces = true
    /// The command ends when the count is reached.
    static let exitsWhenDone = true

    /// `--messages`: stop after this many messages; nil stops when every assigned partition reached its end.
    let limit: Int?

    mutating func start(_ go: RunnerCommand?, at now: UInt64) {}

    /// Takes no message beyond the limit, even within a batch.
    func accepts(consumed: Int) -> Bool { consumed < (limit ?? .max) }

    /// Done at the limit or, without one, once a non-empty assignment is all at its end.
    mutating func ended(_ loop: ConsumerLoopState) -> MeasurementEnd? {
        if let limit { return loop.consumed >= limit ? .done : nil }
        return !loop.assignment.isEmpty && loop.assignmentAtEnd ? .done : nil
    }
}
