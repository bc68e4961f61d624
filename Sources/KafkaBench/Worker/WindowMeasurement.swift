/// Sweep window mode: counts the messages processed inside the runner's CLOCK_MONOTONIC window, in total and per
/// partition (a partition without progress in the window stalled, and the trial fails), and notes any partition
/// that ran out of backlog inside it (the trial then fails: the window was not saturated).
struct WindowMeasurement: ConsumerMeasurement {
    static let waitsForGo = true
    static let coalesces = true
    static let exitsWhenDone = false

    private var windowStart: UInt64 = 0
    private var windowEnd: UInt64 = .max
    private var messages = 0
    private var bytes = 0
    /// Messages inside the window by (topic index, partition).
    private var perPartition: [PartitionKey: Int] = [:]
    private var drainedInWindow: [TopicPartition] = []

    private struct PartitionKey: Hashable {
        var topicIndex: Int
        var partition: Int32
    }

    mutating func start(_ go: RunnerCommand?, at now: UInt64) {
        if let s = go?.windowStartNs, let e = go?.windowEndNs { windowStart = s; windowEnd = e }
    }

    mutating func processed(_ message: ConsumedMessage, bytes size: Int) {
        let t = MonotonicClock.nanoseconds()
        if t >= windowStart && t < windowEnd {
            messages += 1
            bytes += size
            perPartition[PartitionKey(topicIndex: message.topicIndex, partition: message.partition), default: 0] += 1
        }
    }

    mutating func reachedEnd(_ partition: TopicPartition) {
        if MonotonicClock.nanoseconds() < windowEnd { drainedInWindow.append(partition) }
    }

    mutating func ended(_ loop: ConsumerLoopState) -> MeasurementEnd? {
        loop.now >= windowEnd ? .windowClosed : nil
    }

    func complete(_ final: inout WorkerFinal, topicNames: [String]) {
        final.windowMessages = messages
        final.windowBytes = bytes
        final.windowPartitionMessages = perPartition.map { key, n in
            PartitionCount(TopicPartition(topicNames.indices.contains(key.topicIndex) ? topicNames[key.topicIndex] : "?", key.partition), n)
        }.sorted { $0.partition < $1.partition }
        final.drainedInWindow = drainedInWindow
    }
}
