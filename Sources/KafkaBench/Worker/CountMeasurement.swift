/// `kbench consume`: consumes at once until `limit` messages, or (without a limit) until every assigned partition
/// reached its end; then the loop exits.
struct CountMeasurement: ConsumerMeasurement {
    static let waitsForGo = false
    static let coalesces = true
    static let exitsWhenDone = true

    let limit: Int?

    mutating func start(_ go: RunnerCommand?, at now: UInt64) {}

    func accepts(consumed: Int) -> Bool { consumed < (limit ?? .max) }

    mutating func ended(_ loop: ConsumerLoopState) -> MeasurementEnd? {
        if let limit { return loop.consumed >= limit ? .done : nil }
        return !loop.assignment.isEmpty && loop.assignmentAtEnd ? .done : nil
    }
}
