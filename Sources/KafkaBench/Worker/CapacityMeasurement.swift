import Histogram

/// Capacity runs (open loop): from "go", reports how far it has consumed each partition (the next offset) at most
/// every 20 ms, and records the end-to-end latency of every message processed inside the runner's window, from
/// the event's intended send time (stamped by the producer) to the end of its processing. Ends at "stop".
struct CapacityMeasurement: ConsumerMeasurement {
    static let waitsForGo = true
    static let coalesces = false
    static let exitsWhenDone = false
    static let reportIntervalNs: UInt64 = 20_000_000

    private var windowStart: UInt64 = 0
    private var windowEnd: UInt64 = .max
    /// Next offset to consume, by partition (one topic).
    private var next: [Int32: Int64] = [:]
    private var moved: Set<Int32> = []
    private var lastReport: UInt64 = 0
    private var latency = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    /// CLOCK_REALTIME − CLOCK_MONOTONIC, to compare a message's wall-clock intended time with monotonic windows.
    private let wallOffset = MonotonicClock.wallOffsetNanoseconds()

    mutating func start(_ go: RunnerCommand?, at now: UInt64) {
        if let s = go?.windowStartNs, let e = go?.windowEndNs { windowStart = s; windowEnd = e }
    }

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

    mutating func ended(_ loop: ConsumerLoopState) -> MeasurementEnd? { nil }

    func complete(_ final: inout WorkerFinal, topicNames: [String]) {
        final.latencyMicros = latency
    }
}
