/// What to seed: a topic filled with keyed events.
/// The sweep sizes it per partition count; `kbench seed` builds it from its options. Deterministic: the same plan
/// gives the same keys in the same order.
public struct SeedPlan: Sendable, Equatable {
    /// The topic to fill; it must exist with `partitions` partitions.
    public var topic: String
    public var partitions: Int
    /// Events to produce to the topic as a whole (not per partition).
    public var messages: Int
    /// Distinct users (keys "user-<id>", 0..<keys) and how they are drawn.
    public var keys: Int
    public var distribution: KeyDistribution
    /// Bytes of each value: the 24-byte event header, then padding.
    public var valueBytes: Int
    /// Seeds the key sampler: the same plan always produces the same keys in the same order.
    public var seed: UInt64

    /// The plan with kbench's defaults (100,000 uniform keys, 100-byte values, seed 42); call `validate()`.
    public init(
        topic: String, partitions: Int, messages: Int, keys: Int = 100_000,
        distribution: KeyDistribution = .uniform, valueBytes: Int = 100, seed: UInt64 = 42
    ) {
        self.topic = topic
        self.partitions = partitions
        self.messages = messages
        self.keys = keys
        self.distribution = distribution
        self.valueBytes = valueBytes
        self.seed = seed
    }

    /// Checks the numbers users can get wrong.
    public func validate() throws(UsageError) {
        guard partitions > 0 else { throw UsageError("--partitions must be at least 1 (got \(partitions))") }
        guard messages > 0 else { throw UsageError("--messages must be at least 1 (got \(messages))") }
        guard keys > 0 else { throw UsageError("--keys must be at least 1 (got \(keys))") }
        guard keys <= 100_000_000 else { throw UsageError("--keys must be at most 100000000 (got \(keys))") }
        guard valueBytes >= EventRecord.headerSize, valueBytes <= 1_000_000 else {
            throw UsageError("--value-bytes must be between \(EventRecord.headerSize) (the event header) and 1000000 (got \(valueBytes))")
        }
    }

    /// The user id of every message, in produce order.
    public func userIds() -> [UInt32] {
        var sampler = KeySampler(keys: keys, distribution: distribution, seed: seed)
        return (0..<messages).map { _ in UInt32(sampler.next()) }
    }

    /// How many messages each partition receives under murmur2 placement.
    public static func partitionCounts(userIds: [UInt32], partitions: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: partitions)
        var formatter = KeyFormatter()
        for id in userIds {
            let p = formatter.withKey(Int(id)) { Murmur2.partition(forKey: $0, partitions: partitions) }
            counts[Int(p)] += 1
        }
        return counts
    }

    /// Approximate bytes a message occupies in the broker's log (value, key and record overhead).
    public func storedBytesPerMessage() -> Int { valueBytes + 5 + String(keys - 1).count + 16 }

    /// Refuses a backlog the embedded broker would silently truncate (it keeps ~5 MiB per partition),
    /// with the arithmetic in the message.
    public func checkEmbeddedRetention(partitionCounts: [Int]) throws(UsageError) {
        let perMessage = storedBytesPerMessage()
        guard let fullest = partitionCounts.indices.max(by: { partitionCounts[$0] < partitionCounts[$1] }) else { return }
        let bytes = partitionCounts[fullest] * perMessage
        let limit = EmbeddedBroker.retainedBytesPerPartition
        if bytes > limit {
            let fits = limit / perMessage
            throw UsageError(
                "\(messages) messages of \(valueBytes) bytes do not fit the embedded broker: partition \(fullest) of \(topic) would get "
                    + "\(partitionCounts[fullest]) messages × ~\(perMessage) bytes = \(bytes / 1024) KiB, above the ~\(limit / 1024) KiB "
                    + "it keeps per partition (older data is silently dropped). At most ~\(fits) messages per partition fit: "
                    + "use fewer --messages, smaller --value-bytes, or more --partitions (a real cluster has no such limit)")
        }
    }
}

/// The outcome of seeding.
/// Checked by the caller: every message delivered, and the per-partition counts equal to the expected ones.
public struct SeedResult: Sendable {
    /// Messages acknowledged, and messages whose delivery failed.
    public var delivered: Int
    public var failed: Int
    /// Delivered per partition, from the producer's delivery reports.
    public var deliveredPerPartition: [Int]
    /// Predicted per partition from murmur2 placement of the keys.
    public var expectedPerPartition: [Int]
    /// Seconds from the first send to the end of the flush.
    public var seconds: Double
    /// The first failed delivery's error, when any failed.
    public var firstFailure: String?

    /// Delivered messages per second over `seconds` (0 when nothing was timed).
    public var messagesPerSecond: Double { seconds > 0 ? Double(delivered) / seconds : 0 }
}

/// Fills a topic with keyed events through an idempotent producer using the murmur2 partitioner.
/// Runs on the calling thread: `run` produces, polls and flushes there.
public enum Seeder {
    /// Producer properties for seeding (and `kbench produce`, rebalance traffic); the user's own properties are
    /// applied on top.
    ///
    /// Guarantees: idempotence keeps each partition's events in the order sent and writes none twice, even when a
    /// request is retried (kbench's audits count order violations and events written twice against it).
    /// `murmur2_random` places keys as the Java client does (the sweep's predicted per-partition counts rely on it).
    /// The queue holds at most 100,000 messages (librdkafka's default; the loop waits while it is full): with the
    /// 1,000,000 used before, librdkafka 2.16.0 queued the whole backlog ahead of the embedded broker and a
    /// 1 M-event `kbench produce` used 323 MiB and 1.65 s of CPU, against 60 MiB and about 1.1 s with this bound
    /// (Benchmarks/README.md); on 2.0.2 it made no difference.
    public static let producerDefaults: [String: String] = [
        "enable.idempotence": "true",
        "partitioner": "murmur2_random",
        "linger.ms": "5",
        "batch.num.messages": "10000",
        "queue.buffering.max.messages": "100000",
    ]

    /// Produces `plan.messages` events to an existing topic and waits for every delivery report.
    /// - Parameter progress: called about every 100,000 messages with the number enqueued so far.
    public static func run(
        plan: SeedPlan, config: KafkaConfig, userIds: [UInt32]? = nil, flushTimeoutMs: Int32 = 120_000,
        progress: (Int) -> Void = { _ in }
    ) throws -> SeedResult {
        let ids = userIds ?? plan.userIds()
        let expected = SeedPlan.partitionCounts(userIds: ids, partitions: plan.partitions)
        let producer = try KafkaProducer(config: KafkaConfig(producerDefaults).merging(config.properties))
        let start = MonotonicClock.nanoseconds()
        var next = 0
        _ = try ProducerLoop(topic: plan.topic, valueBytes: plan.valueBytes).run(
            producer: producer, count: ids.count,
            nextUserId: {
                defer { next += 1 }
                return ids[next]
            }, progress: progress)
        try producer.flush(timeoutMs: flushTimeoutMs)
        let seconds = Double(MonotonicClock.nanoseconds() - start) / 1e9
        var perPartition = producer.deliveredPerPartition(topic: plan.topic)
        if perPartition.count < plan.partitions { perPartition += Array(repeating: 0, count: plan.partitions - perPartition.count) }
        return SeedResult(
            delivered: producer.delivered, failed: producer.failed, deliveredPerPartition: perPartition,
            expectedPerPartition: expected, seconds: seconds, firstFailure: producer.firstFailure)
    }
}
