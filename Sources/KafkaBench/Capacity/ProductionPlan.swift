/// What one producer process of a capacity trial sends: its share of an open-loop schedule.
///
/// The trial's events are numbered 0, 1, 2, … and event n is *intended* at `start + n / rate` ("start" comes
/// with the runner's "go"). Producer k of N sends events k, k + N, k + 2N, …, so N processes together keep the
/// one schedule, and every event carries its intended time whether or not its producer kept up.
public struct ProductionPlan: Codable, Sendable, Equatable {
    /// The capacity trial's one topic.
    public var topic: String
    /// Events per second of the whole trial (all producers together).
    public var rate: Double
    /// How many producer processes share the schedule, and which one this is (0-based).
    public var producers: Int
    public var index: Int
    /// Distinct `user-<id>` keys, drawn uniformly.
    public var keys: Int
    /// Bytes of each value, the event header included.
    public var valueBytes: Int
    /// How long to produce, from the start in "go".
    public var durationNs: UInt64
    /// librdkafka producer properties (the cluster's and the user's), applied over kbench's producer defaults.
    public var properties: [String: String]

    public init(
        topic: String, rate: Double, producers: Int, index: Int, keys: Int, valueBytes: Int, durationNs: UInt64,
        properties: [String: String]
    ) {
        self.topic = topic; self.rate = rate; self.producers = producers; self.index = index; self.keys = keys
        self.valueBytes = valueBytes; self.durationNs = durationNs; self.properties = properties
    }

    /// Events this producer is meant to send in the whole run.
    public var plannedEvents: Int {
        let total = Int((rate * Double(durationNs) / 1e9).rounded(.down))
        return total > index ? (total - index + producers - 1) / producers : 0
    }
}

/// A producer process's deliveries so far (cumulative), sent every 50 ms and once more, complete, at the end.
/// Crosses from the producer process to the runner inside `WorkerEvent.production`, as JSON.
public struct ProductionReport: Codable, Sendable, Equatable {
    /// Events handed to librdkafka, acknowledged, and failed.
    public var sent = 0
    public var delivered = 0
    public var failed = 0
    /// The most any event was sent after its intended time, milliseconds.
    public var maxLateMs = 0.0
    /// Events sent more than 100 ms after their intended time.
    public var lateEvents = 0
    /// The first delivery error, if any.
    public var firstFailure: String?
    /// Per partition that received deliveries since the previous report: [partition, last delivered offset,
    /// that event's intended time in CLOCK_MONOTONIC microseconds] triples. Together they map offsets to
    /// intended times, from which the runner computes lag in messages and in time.
    public var checkpoints: [Int64] = []
    /// The last report of the run.
    public var done = false

    /// An empty report: nothing sent, not done.
    public init() {}

    /// Several producers' reports as one (counts summed, the worst lateness, the first failure).
    public static func sum(_ reports: [ProductionReport]) -> ProductionReport {
        reports.reduce(into: ProductionReport()) { t, r in
            t.sent += r.sent; t.delivered += r.delivered; t.failed += r.failed
            t.maxLateMs = max(t.maxLateMs, r.maxLateMs); t.lateEvents += r.lateEvents
            t.firstFailure = t.firstFailure ?? r.firstFailure
            t.done = reports.allSatisfy(\.done)
        }
    }
}
