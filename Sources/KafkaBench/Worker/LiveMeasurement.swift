/// Rebalance runs (live traffic): consumes at once and, after every batch and before its offsets are committed,
/// reports each processed message (partition, offset, time, end-to-end latency, user and sequence), so a crash
/// after the commit cannot hide a processed message from the runner. Ends only when the runner says "stop".
struct LiveMeasurement: ConsumerMeasurement {
    /// Consumes from the start: there is no backlog to hold back, as live traffic begins only once the group is stable.
    static let waitsForGo = false
    /// Latency is measured: no coalescing delay.
    static let coalesces = false
    static let exitsWhenDone = false

    /// [partition, offset, atMicros, latencyMicros, userId << 32 | low 32 bits of sequence] since the last report
    /// (`LiveSampleLayout`).
    private var samples: [Int64] = []

    mutating func start(_ go: RunnerCommand?, at now: UInt64) {}

    /// Appends the message's sample: latency from the event's intended (wall clock) send time to now, 0 when the message
    /// has no kbench event or the clocks disagree.
    mutating func processed(_ message: ConsumedMessage, bytes: Int) {
        let event = EventRecord.decode(message.value)
        let sent = event?.timestampNanos ?? 0
        let wall = MonotonicClock.wallNanoseconds()
        samples.append(Int64(message.partition))
        samples.append(message.offset)
        samples.append(Int64(MonotonicClock.nanoseconds() / 1000))
        samples.append(sent > 0 && wall > sent ? Int64((wall - sent) / 1000) : 0)
        samples.append(event.map { Int64($0.userId) << 32 | Int64($0.sequence & 0xFFFF_FFFF) } ?? 0)
    }

    /// Sends the samples since the last report as one `progress` event.
    mutating func report(_ emit: (WorkerEvent) -> Void, consumed: Int) {
        guard !samples.isEmpty else { return }
        var ev = WorkerEvent(event: .progress)
        ev.samples = samples
        emit(ev)
        samples.removeAll(keepingCapacity: true)
    }

    /// Never ends by itself; the runner's "stop" ends it.
    mutating func ended(_ loop: ConsumerLoopState) -> MeasurementEnd? { nil }
}
