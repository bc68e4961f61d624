/// Sweep drain mode: done when every assigned partition reached its end (at once for a consumer with none).
struct DrainMeasurement: ConsumerMeasurement {
    static let waitsForGo = true
    static let coalesces = true
    static let exitsWhenDone = false

    mutating func start(_ go: RunnerCommand?, at now: UInt64) {}

    mutating func ended(_ loop: ConsumerLoopState) -> MeasurementEnd? {
        loop.assignmentAtEnd ? .done : nil
    }
}
