/// Sweep window mode: counts the messages processed inside the runner's CLOCK_MONOTONIC window, in total and per
/// partition (a partition without progress in the window stalled, and the trial fails), and notes any partition
/// that ran out of backlog inside it (the trial then fails: the window was not saturated).
struct WindowMeasurement: ConsumerMeasurement {
    /// Paused until "go", so every consumer starts with the window's backlog.
    static let waitsForGo = true
    /// Throughput is the measure: a short coalescing delay costs nothing.
    static let coalesces = true
    /// The runner decides when the worker stops (after every worker's window).
    static let exitsWhenDone = false

    /// The runner's window, [start, end) in CLOCK_MONOTONIC ns, from "go"; the host's workers share the clock.
    private var windowStart: UInt64 = 0
    private var windowEnd: UInt64 = .max
    /// Messages and bytes (key + value) processed inside the window.
    private var messages = 0
    private var bytes = 0
    /// Messages inside the window by (topic index, partition).
    private var perPartition: [PartitionKey: Int] = [:]
    /// Partitions that reached their end before the window closed: the window was not saturated.
    private var drainedInWindow: [TopicPartition] = []

    /// A partition by topic index and number: no string per message on the hot path.
    private struct PartitionKey: Hashable {
        /// Index in the consumer's `topicNames`.
        var topicIndex: Int
        var partition: Int32
    }

    /// Takes the window from "go"; without one, every message counts.
    mutating func start(_ go: RunnerCommand?, at now: UInt64) {
        if let s = go?.windowStartNs, let e = go?.windowEndNs { windowStart = s; windowEnd = e }
    }

    /// Counts the message when its processing ends inside the window.
    mutating func processed(_ message: ConsumedMessage, bytes size: Int) {
        let t = MonotonicClock.nanoseconds()
        if t >= windowStart && t < windowEnd {
            messages += 1
            bytes += size
            perPartition[PartitionKey(topicIndex: message.topicIndex, partition: message.partition), default: 0] += 1
        }
    }

    /// Notes a partition that ran dry before the window's end (warm-up included).
    mutating func reachedEnd(_ partition: TopicPartition) {
        if MonotonicClock.nanoseconds() < windowEnd { drainedInWindow.append(partition) }
    }

    /// Ends at the window's close.
    mutating func ended(_ loop: ConsumerLoopState) -> MeasurementEnd? {
        loop.now >= windowEnd ? .windowClosed : nil
    }

    /// The window's totals, its per-partition counts (sorted by partition) and the partitions that ran dry.
    func complete(_ final: inout WorkerFinal, topicNames: [String]) {
        final.windowMessages = messages
        final.windowBytes = bytes
        final.windowPartitionMessages = perPartition.map { key, n in
            PartitionCount(TopicPartition(topicNames.indices.contains(key.topicIndex) ? topicNames[key.topicIndex] : "?", key.partition), n)
        }.sorted { $0.partition < $1.partition }
        final.drainedInWindow = drainedInWindow
    }
}
