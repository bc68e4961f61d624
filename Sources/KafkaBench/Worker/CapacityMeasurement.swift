import Histogram

/// Capacity runs (open loop): from "go", reports how far it has consumed each partition (the next offset) at most
/// every 20 ms, and records the end-to-end latency of every message processed inside the runner's window, from
/// the event's intended send time (stamped by the producer) to the end of its processing. Ends at "stop".
struct CapacityMeasurement: ConsumerMeasurement {
    /// Paused until "go", so consumption starts with the producers' schedule.
    static let waitsForGo = true
    /// Latency is measured: no coalescing delay.
    static let coalesces = false
    /// Runs until the runner's "stop".
    static let exitsWhenDone = false
    /// Positions are reported at most every 20 ms (in ns), the resolution of the runner's lag series.
    static let reportIntervalNs: UInt64 = 20_000_000

    /// The runner's window, [start, end) in CLOCK_MONOTONIC ns; latency is recorded only inside it.
    private var windowStart: UInt64 = 0
    private var windowEnd: UInt64 = .max
    /// Next offset to consume, by partition (one topic).
    private var next: [Int32: Int64] = [:]
    /// Partitions whose position moved since the last report.
    private var moved: Set<Int32> = []
    private var lastReport: UInt64 = 0
    /// End-to-end latency inside the window, µs (up to one hour).
    private var latency = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    /// CLOCK_REALTIME − CLOCK_MONOTONIC, to compare a message's wall-clock intended time with monotonic windows.
    private let wallOffset = MonotonicClock.wallOffsetNanoseconds()

    mutating func start(_ go: RunnerCommand?, at now: UInt64) {
        if let s = go?.windowStartNs, let e = go?.windowEndNs { windowStart = s; windowEnd = e }
    }

    /// Advances the partition's position and, inside the window, records the latency from the event's intended (wall
    /// clock) send time; a message without a kbench event header only moves the position.
    mutating func processed(_ message: ConsumedMessage, bytes: Int) {
        if message.offset + 1 > next[message.partition, default: 0] {
            next[message.partition] = message.offset + 1
            moved.insert(message.partition)
        }
        let now = MonotonicClock.nanoseconds()
        if now >= windowStart && now < windowEnd, let sent = EventRecord.decode(message.value)?.timestampNanos {
            let wall = now &+ wallOffset
            _ = latency.record(wall > sent ? (wall - sent) / 1000 : 0)
        }
    }

    /// Sends the moved partitions' positions, at most every `reportIntervalNs`.
    mutating func report(_ emit: (WorkerEvent) -> Void, consumed: Int) {
        guard !moved.isEmpty else { return }
        let now = MonotonicClock.nanoseconds()
        guard now >= lastReport + Self.reportIntervalNs else { return }
        lastReport = now
        var ev = WorkerEvent(event: .progress, t: now)
        ev.positions = moved.sorted().flatMap { [Int64($0), next[$0]!] }
        moved.removeAll(keepingCapacity: true)
        emit(ev)
    }

    /// Never ends by itself: open-loop traffic has no end the consumer could see.
    mutating func ended(_ loop: ConsumerLoopState) -> MeasurementEnd? { nil }

    func complete(_ final: inout WorkerFinal, topicNames: [String]) {
        final.latencyMicros = latency
    }
}
