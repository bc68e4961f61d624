/// Rebalance runs (live traffic): consumes at once and, after every batch and before its offsets are committed,
/// reports each processed message (partition, offset, time, end-to-end latency), so a crash after the commit
/// cannot hide a processed message from the runner. Ends only when the runner says "stop".
struct LiveMeasurement: ConsumerMeasurement {
    static let waitsForGo = false
    static let coalesces = false
    static let exitsWhenDone = false

    /// [partition, offset, atMicros, latencyMicros] quadruples since the last report.
    private var samples: [Int64] = []

    mutating func start(_ go: RunnerCommand?, at now: UInt64) {}

    mutating func processed(_ message: ConsumedMessage, bytes: Int) {
        let sent = EventRecord.decode(message.value)?.timestampNanos ?? 0
        let wall = MonotonicClock.wallNanoseconds()
        samples.append(Int64(message.partition))
        samples.append(message.offset)
        samples.append(Int64(MonotonicClock.nanoseconds() / 1000))
        samples.append(sent > 0 && wall > sent ? Int64((wall - sent) / 1000) : 0)
    }

    mutating func report(_ emit: (WorkerEvent) -> Void, consumed: Int) {
        guard !samples.isEmpty else { return }
        var ev = WorkerEvent(event: .progress)
        ev.samples = samples
        emit(ev)
        samples.removeAll(keepingCapacity: true)
    }

    mutating func ended(_ loop: ConsumerLoopState) -> MeasurementEnd? { nil }
}
