/// Sweep drain mode: done when every assigned partition reached its end (at once for a consumer with none).
/// Its figures are the loop's own (consumed, bytes, `doneNs`); the runner turns them into the makespan.
struct DrainMeasurement: ConsumerMeasurement {
    /// Paused until "go", so every consumer starts draining at the same moment.
    static let waitsForGo = true
    static let coalesces = true
    static let exitsWhenDone = false

    mutating func start(_ go: RunnerCommand?, at now: UInt64) {}

    /// Done when every assigned partition reached its end; a consumer with no partitions is done at once.
    mutating func ended(_ loop: ConsumerLoopState) -> MeasurementEnd? {
        loop.assignmentAtEnd ? .done : nil
    }
}
