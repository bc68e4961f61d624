/// What a worker's consumer loop measures and when it ends: one small type per `ConsumerLoopMode`
/// (`WindowMeasurement`, `DrainMeasurement`, `LiveMeasurement`, `CountMeasurement`, `CapacityMeasurement`; the
/// `produce` mode runs a producer instead, `ProducerWorker`). `ConsumerLoop` owns
/// everything they share: the consumer, the work, the audit, commits and assignment changes.
protocol ConsumerMeasurement {
    /// The loop keeps its partitions paused until the runner says "go".
    static var waitsForGo: Bool { get }
    /// Throughput modes let message sets accumulate for up to 1 ms when the queue runs dry; latency modes don't.
    static var coalesces: Bool { get }
    /// The loop closes the consumer as soon as the final result is sent (instead of waiting for "stop").
    static var exitsWhenDone: Bool { get }

    /// Measurement starts: at "go" (with the runner's command) or at once.
    mutating func start(_ go: RunnerCommand?, at now: UInt64)
    /// Whether to take one more message, given how many were consumed.
    func accepts(consumed: Int) -> Bool
    /// One message was processed; `bytes` is its key + value size. No time is passed: only the modes that need it
    /// read the clock, so the others do not pay for it per message.
    mutating func processed(_ message: ConsumedMessage, bytes: Int)
    /// A partition reached its end while measuring.
    mutating func reachedEnd(_ partition: TopicPartition)
    /// After each batch: what is due to the runner (live samples), before offsets are committed.
    mutating func report(_ emit: (WorkerEvent) -> Void, consumed: Int)
    /// After each batch while measuring: whether measurement has ended.
    mutating func ended(_ loop: ConsumerLoopState) -> MeasurementEnd?
    /// Adds the mode's own figures to the final result.
    /// `topicNames`: the consumer's topics, indexed as in `ConsumedMessage.topicIndex`.
    func complete(_ final: inout WorkerFinal, topicNames: [String])
}

/// How a measurement ended.
/// Returned by `ConsumerMeasurement.ended`; nil there means "go on".
enum MeasurementEnd {
    /// The window closed: pause every partition and send the result.
    case windowClosed
    /// Everything was consumed (drain, count): send the result, with `doneNs`.
    case done
}

extension ConsumerMeasurement {
    /// Default: no limit on messages.
    func accepts(consumed: Int) -> Bool { true }
    /// Defaults: modes that do not count messages, ends, reports or extra figures leave these out.
    mutating func processed(_ message: ConsumedMessage, bytes: Int) {}
    mutating func reachedEnd(_ partition: TopicPartition) {}
    mutating func report(_ emit: (WorkerEvent) -> Void, consumed: Int) {}
    func complete(_ final: inout WorkerFinal, topicNames: [String]) {}
}

/// What the loop knows that a measurement may decide on.
/// A snapshot the loop builds after each batch; measurements only read it.
struct ConsumerLoopState {
    /// CLOCK_MONOTONIC ns after the batch.
    var now: UInt64
    /// The consumer's assignment now.
    var assignment: Set<TopicPartition>
    /// Partitions that reported their end (`enable.partition.eof`) and were not revoked or lost since.
    var endedPartitions: Set<TopicPartition>
    /// Messages processed so far.
    var consumed: Int

    /// Every assigned partition reached its end.
    var assignmentAtEnd: Bool { endedPartitions.isSuperset(of: assignment) }
}
