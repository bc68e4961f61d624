#if canImport(Glibc)
    import Glibc
#endif

/// kbench's one producer loop, used by seeding, `kbench produce` and the rebalance runner's live traffic:
/// keyed events (`user-<id>` keys, `EventRecord` values), as fast as possible or paced at a fixed rate.
///
/// Paced, each event is stamped with its *intended* send time (start + i/rate), so latency measured from it
/// includes any time the producer fell behind (no coordinated omission).
public struct ProducerLoop {
    /// The topic every event goes to; the partitioner (murmur2 of the key) picks the partition.
    public var topic: String
    /// Bytes of each value, at least the 24-byte event header (the rest is zeros).
    public var valueBytes: Int
    /// Events per second; nil produces as fast as librdkafka accepts them.
    public var rate: Double?
    /// First producer sequence number.
    public var firstSequence: UInt64 = 0
    /// Paced only: when the schedule starts (CLOCK_MONOTONIC nanoseconds; nil: when `run` begins), and this loop's
    /// place in a schedule several loops share: its event i is intended at start + (i + phase) / rate.
    public var startNs: UInt64?
    public var phase = 0.0

    /// An unpaced loop from sequence 0 unless `rate` is given; set the schedule fields before `run`.
    public init(topic: String, valueBytes: Int, rate: Double? = nil) {
        self.topic = topic
        self.valueBytes = valueBytes
        self.rate = rate
    }

    /// What the loop did.
    /// Passed to `tick` while running (without `seconds`) and returned at the end.
    public struct Stats: Sendable {
        /// Events handed to librdkafka so far.
        public var enqueued: Int
        /// Seconds `run` took (set when it returns).
        public var seconds: Double
        /// Paced: how far behind its intended time the latest event was sent, at most, and how many events were
        /// sent more than `lateThresholdNs` after theirs.
        public var maxLateNs: UInt64 = 0
        public var lateEvents = 0
    }

    /// An event sent later than this after its intended time counts as late.
    public static let lateThresholdNs: UInt64 = 100_000_000

    /// Produces events until `count` are enqueued, `deadlineNs` (CLOCK_MONOTONIC) passes or `shouldStop` says so.
    /// `nextUserId` gives each event's user. Does not flush: the caller decides how long to wait for deliveries.
    public func run(
        producer: KafkaProducer, count: Int? = nil, deadlineNs: UInt64? = nil,
        nextUserId: () -> UInt32, shouldStop: () -> Bool = { false }, progress: (Int) -> Void = { _ in },
        tick: (Stats) -> Void = { _ in }
    ) throws -> Stats {
        let rkt = try producer.topicHandle(topic)
        var formatter = KeyFormatter()
        var value = [UInt8](repeating: 0, count: valueBytes)
        let types = EventType.allCases
        let runStart = MonotonicClock.nanoseconds()
        let startMono = startNs ?? runStart
        let startWall = MonotonicClock.wallNanoseconds() &- (runStart &- startMono)
        let nanosPerEvent = rate.map { 1e9 / $0 }
        let phase = self.phase
        let limit = count ?? .max
        var i = 0
        var unpacedStamp = startWall
        var stats = Stats(enqueued: 0, seconds: 0)
        try value.withUnsafeMutableBytes { valueBuffer in
            let readOnly = UnsafeRawBufferPointer(valueBuffer)
            while i < limit {
                var stamp: UInt64
                if let nanosPerEvent {
                    let intended = startMono + UInt64((Double(i) + phase) * nanosPerEvent)
                    if let deadlineNs, intended >= deadlineNs { break }
                    var now = MonotonicClock.nanoseconds()
                    while now < intended {
                        // Wait, do not spin: poll(0) in a loop burned a whole core whenever the gap between
                        // sends is under 1 ms (any rate above 1000/s), starving the consumers and the broker.
                        let wait = intended - now
                        if wait >= 1_000_000 {
                            producer.poll(timeoutMs: Int32(min(5, wait / 1_000_000)))
                        } else {
                            producer.poll(timeoutMs: 0)
                            usleep(UInt32(wait / 1000))
                        }
                        stats.enqueued = i
                        tick(stats)
                        now = MonotonicClock.nanoseconds()
                    }
                    if now > intended {
                        let late = now - intended
                        stats.maxLateNs = max(stats.maxLateNs, late)
                        if late > Self.lateThresholdNs { stats.lateEvents += 1 }
                    }
                    stamp = startWall + (intended - startMono)
                } else {
                    // Unpaced: read the wall clock every 64 events, not for each one (a clock read costs ~20 ns
                    // here, a noticeable share of a ~300 ns send); stamps lag by at most 63 sends (< 0.1 ms).
                    if i & 63 == 0 { unpacedStamp = MonotonicClock.wallNanoseconds() }
                    stamp = unpacedStamp
                    if let deadlineNs, i & 255 == 0, MonotonicClock.nanoseconds() >= deadlineNs { break }
                }
                let id = nextUserId()
                let seq = firstSequence + UInt64(i)
                EventRecord(
                    type: types[Int((seq &* 7 &+ UInt64(id)) % UInt64(types.count))], userId: id, sequence: seq,
                    timestampNanos: stamp
                ).encode(into: valueBuffer)
                try formatter.withKey(Int(id)) { key in
                    try producer.send(rkt, key: key, value: readOnly, partition: -1)
                }
                i += 1
                if i % 100_000 == 0 { progress(i) }
                if i & 1023 == 0 {
                    producer.poll()
                    if shouldStop() { break }
                } else if nanosPerEvent != nil && i & 63 == 0 && shouldStop() {
                    break
                }
                if i & 63 == 0 {
                    stats.enqueued = i
                    tick(stats)
                }
            }
        }
        stats.enqueued = i
        stats.seconds = Double(MonotonicClock.nanoseconds() - runStart) / 1e9
        return stats
    }
}
