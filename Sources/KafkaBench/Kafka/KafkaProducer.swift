import CRdKafka
import Histogram

/// Counters kept by the producer's delivery-report callback.
/// Written by the delivery and statistics callbacks, which run inside the producer's poll and flush calls: on the
/// one thread that owns the producer.
final class DeliveryContext: ClientContext {
    /// Topic handles in registration order; `perPartition[i]` counts deliveries to `topics[i]`.
    var topics: [OpaquePointer] = []
    /// Successful deliveries per topic (parallel to `topics`) and partition (index), grown as partitions appear.
    var perPartition: [[Int]] = []
    /// Successful deliveries so far.
    var delivered = 0
    /// Failed deliveries so far, and the first one's error text.
    var failed = 0
    var firstFailure: String?
    /// Whether `latency` records deliveries. A plain flag, so the per-message path never tests or copies an
    /// `Optional<Histogram>` (which went through generic value witnesses).
    var tracksLatency = false
    /// Delivery latency (enqueue to acknowledgement) in microseconds; meaningful only when `tracksLatency`.
    var latency = Histogram<UInt64>(highestTrackableValue: 2, numberOfSignificantValueDigits: .one)
    /// Whether `checkpoints` records each partition's last delivered offset and its event's timestamp.
    var tracksCheckpoints = false
    /// Per partition (index): the last delivered offset (-1: none) and the `EventRecord` timestamp it carried.
    var checkpoints: [(offset: Int64, stampNanos: UInt64)] = []
    /// Whether every delivery report is appended to `deliveryLog` (rebalance runs: produce latency per event).
    var logsDeliveries = false
    var deliveryLog: [DeliveryReport] = []
    /// Request retries so far, from each statistics report (only when `statistics.interval.ms` is set).
    var retryLog: [RetryCount] = []
}

/// One delivery report: when it came (CLOCK_MONOTONIC ns), the message's latency from enqueue, and whether it failed.
/// Logged only when the producer was created with `logDeliveries` (rebalance runs).
public struct DeliveryReport: Sendable {
    /// When the report arrived (CLOCK_MONOTONIC ns, the producer's host).
    public var ns: UInt64
    /// Enqueue to report, µs (librdkafka's `rd_kafka_message_latency`; retries included). Signed as librdkafka gives
    /// it; readers clamp it at 0.
    public var latencyMicros: Int64
    /// Whether the delivery failed; a failed report still carries its latency.
    public var failed: Bool
}

/// The producer's request retries (librdkafka statistics `txretries`, summed over brokers) at a moment.
/// Logged with each statistics report (every `statistics.interval.ms`) when the producer logs deliveries.
public struct RetryCount: Sendable {
    /// When the statistics report was read (CLOCK_MONOTONIC ns).
    public var ns: UInt64
    /// Cumulative request retries over every broker since the producer started.
    public var retries: Int
}

/// librdkafka's `stats_cb` for a producer that logs deliveries: records the total `txretries`. Returns 0 so
/// librdkafka frees the JSON.
func kbenchProducerStatsCallback(_ rk: OpaquePointer?, _ json: UnsafeMutablePointer<CChar>?, _ len: Int, _ opaque: UnsafeMutableRawPointer?) -> Int32 {
    guard let json, let opaque else { return 0 }
    let context = Unmanaged<DeliveryContext>.fromOpaque(opaque).takeUnretainedValue()
    let text = UnsafeRawBufferPointer(start: json, count: len)
    context.retryLog.append(RetryCount(ns: MonotonicClock.nanoseconds(), retries: ProducerStatistics.sum(of: "txretries", in: text)))
    return 0
}

/// Reads counters out of librdkafka's statistics JSON without parsing all of it.
/// Called from the statistics callback with librdkafka's buffer, which is only valid during the call.
enum ProducerStatistics {
    /// The sum of every `"key": N` in the JSON (per-broker counters appear once per broker).
    static func sum(of key: String, in json: UnsafeRawBufferPointer) -> Int {
        let k = Array("\"\(key)\"".utf8)
        var total = 0, i = 0
        outer: while i + k.count < json.count {
            for j in 0..<k.count where json[i + j] != k[j] { i += 1; continue outer }
            i += k.count
            while i < json.count && (json[i] == UInt8(ascii: ":") || json[i] == UInt8(ascii: " ")) { i += 1 }
            var v = 0
            while i < json.count, json[i] >= 0x30, json[i] <= 0x39 { v = v * 10 + Int(json[i] - 0x30); i += 1 }
            total += v
        }
        return total
    }
}

/// librdkafka's `dr_msg_cb`: counts each delivery per partition, and its latency when asked.
func kbenchDeliveryCallback(_ rk: OpaquePointer?, _ msg: UnsafePointer<rd_kafka_message_t>?, _ opaque: UnsafeMutableRawPointer?) {
    guard let msg, let opaque else { return }
    let context = Unmanaged<DeliveryContext>.fromOpaque(opaque).takeUnretainedValue()
    let m = msg.pointee
    if context.logsDeliveries {
        context.deliveryLog.append(
            DeliveryReport(ns: MonotonicClock.nanoseconds(), latencyMicros: rd_kafka_message_latency(msg), failed: m.err != RD_KAFKA_RESP_ERR_NO_ERROR))
    }
    if m.err != RD_KAFKA_RESP_ERR_NO_ERROR {
        context.failed += 1
        if context.firstFailure == nil {
            context.firstFailure = String(cString: rd_kafka_err2str(m.err))
        }
        return
    }
    context.delivered += 1
    if let index = context.topics.firstIndex(where: { $0 == m.rkt }) {
        let p = Int(m.partition)
        if p >= context.perPartition[index].count {
            context.perPartition[index] += Array(repeating: 0, count: p + 1 - context.perPartition[index].count)
        }
        context.perPartition[index][p] += 1
    }
    if context.tracksCheckpoints, let payload = m.payload, m.len >= EventRecord.headerSize {
        let p = Int(m.partition)
        if p >= context.checkpoints.count { context.checkpoints += Array(repeating: (-1, 0), count: p + 1 - context.checkpoints.count) }
        if m.offset > context.checkpoints[p].offset {
            let stamp = UInt64(littleEndian: UnsafeRawPointer(payload).loadUnaligned(fromByteOffset: 16, as: UInt64.self))
            context.checkpoints[p] = (m.offset, stamp)
        }
    }
    if context.tracksLatency {
        // librdkafka stamps every message when produce() enqueues it (rd_clock, monotonic µs); asking it for the
        // latency saves a clock read per send and the opaque that used to carry the send time.
        let micros = rd_kafka_message_latency(msg)
        _ = context.latency.record(UInt64(max(0, micros)))
    }
}

/// A librdkafka producer: keyed messages, delivery reports counted and checked, flush with a timeout.
///
/// Not thread-safe: one thread produces, polls and flushes. The handle is destroyed in `deinit` before the
/// `DeliveryContext` its callbacks point at.
public final class KafkaProducer {
    /// The `rd_kafka_t`, owned; destroyed in `deinit` after the topic handles.
    let rk: OpaquePointer
    /// What the delivery and statistics callbacks write; they reach it through the configuration's opaque pointer.
    private let context = DeliveryContext()
    /// Topic handles by name, opened on first use and destroyed in `deinit`.
    private var topicHandles: [String: OpaquePointer] = [:]
    /// The configuration as created, kept to scrub secrets out of error texts.
    private let config: KafkaConfig

    /// - Parameters:
    ///   - trackLatency: record each message's delivery latency (enqueue to ack) in a histogram.
    ///   - trackCheckpoints: record each partition's last delivered offset and its event's timestamp
    ///     (`deliveryCheckpoints`; values must be `EventRecord`s).
    ///   - logDeliveries: keep every delivery report (`takeDeliveryLog`) and, when the config sets
    ///     `statistics.interval.ms`, the request retries over time (`retryLog`).
    public init(config: KafkaConfig, trackLatency: Bool = false, trackCheckpoints: Bool = false, logDeliveries: Bool = false) throws(KafkaError) {
        self.config = config
        let context = self.context
        context.tracksCheckpoints = trackCheckpoints
        context.logsDeliveries = logDeliveries
        if trackLatency {
            context.tracksLatency = true
            context.latency = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
        }
        rk = try ClientHandle.make(RD_KAFKA_PRODUCER, config) { conf in
            context.install(on: conf)
            rd_kafka_conf_set_dr_msg_cb(conf, kbenchDeliveryCallback)
            if logDeliveries { rd_kafka_conf_set_stats_cb(conf, kbenchProducerStatsCallback) }
        }
    }

    /// Destroys the topic handles and then the `rd_kafka_t`. It does not wait for messages still queued: call
    /// `flush` first.
    deinit {
        for (_, rkt) in topicHandles { rd_kafka_topic_destroy(rkt) }
        rd_kafka_destroy(rk)
    }

    /// Messages acknowledged by the broker so far.
    public var delivered: Int { context.delivered }
    /// Messages whose delivery failed so far.
    public var failed: Int { context.failed }
    /// Messages handed to librdkafka but not yet acknowledged or failed.
    public var inFlight: Int { Int(rd_kafka_outq_len(rk)) }
    /// Delivery latency histogram in microseconds (only with `trackLatency`).
    public var deliveryLatencyMicros: Histogram<UInt64>? { context.tracksLatency ? context.latency : nil }

    /// Per partition (index): the last delivered offset (-1: none yet) and the `EventRecord` timestamp of that
    /// event (only with `trackCheckpoints`).
    public var deliveryCheckpoints: [(offset: Int64, stampNanos: UInt64)] { context.checkpoints }

    /// Delivered messages per partition of `topic` (index = partition).
    public func deliveredPerPartition(topic: String) -> [Int] {
        guard let rkt = topicHandles[topic], let i = context.topics.firstIndex(of: rkt) else { return [] }
        return context.perPartition[i]
    }

    /// The handle of topic `name`, opened and registered for per-partition counts on first use.
    func topicHandle(_ name: String) throws(KafkaError) -> OpaquePointer {
        if let rkt = topicHandles[name] { return rkt }
        guard let rkt = rd_kafka_topic_new(rk, name, nil) else {
            throw KafkaError.rd(rd_kafka_last_error(), "cannot open topic \(name)")
        }
        topicHandles[name] = rkt
        context.topics.append(rkt)
        context.perPartition.append([])
        return rkt
    }

    /// Enqueues one message (key and value are copied). When librdkafka's queue is full it serves delivery
    /// reports and retries, so this applies back-pressure instead of failing.
    /// - Parameter partition: a partition, or `nil` for the configured partitioner.
    public func send(
        topic: String, key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, partition: Int32? = nil
    ) throws(KafkaError) {
        let rkt = try topicHandle(topic)
        try send(rkt, key: key, value: value, partition: partition ?? -1)
    }

    @inline(__always)
    func send(_ rkt: OpaquePointer, key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, partition: Int32) throws(KafkaError) {
        while true {
            let rc = rd_kafka_produce(
                rkt, partition, 0x2 /* RD_KAFKA_MSG_F_COPY */,
                UnsafeMutableRawPointer(mutating: value.baseAddress), value.count,
                key.baseAddress, key.count, nil)
            if rc == 0 { return }
            let err = rd_kafka_last_error()
            if err == RD_KAFKA_RESP_ERR__QUEUE_FULL {
                rd_kafka_poll(rk, 5)
                continue
            }
            throw KafkaError.rd(err, "produce to \(String(cString: rd_kafka_topic_name(rkt))) failed")
        }
    }

    /// Serves delivery reports for up to `timeoutMs`.
    @discardableResult
    public func poll(timeoutMs: Int32 = 0) -> Int32 {
        rd_kafka_poll(rk, timeoutMs)
    }

    /// Waits until every message is delivered or failed. Throws if some are still in flight after `timeoutMs`,
    /// or if librdkafka raised a fatal error.
    public func flush(timeoutMs: Int32) throws(KafkaError) {
        let err = rd_kafka_flush(rk, timeoutMs)
        if let fatal = context.fatalError { throw KafkaError(code: RD_KAFKA_RESP_ERR__FATAL.rawValue, message: "producer fatal error: \(fatal)") }
        if err == RD_KAFKA_RESP_ERR__TIMED_OUT {
            var message = "flush timed out after \(timeoutMs) ms with \(inFlight) message(s) undelivered"
            if let last = context.lastError { message += " (last error: \(Secrets.scrub(last, in: config)))" }
            throw KafkaError(code: err.rawValue, message: message)
        }
        try check(err, "flush failed")
    }

    /// Every delivery report since the last call (only with `logDeliveries`).
    public func takeDeliveryLog() -> [DeliveryReport] {
        defer { context.deliveryLog.removeAll() }
        return context.deliveryLog
    }

    /// Request retries over time (only with `logDeliveries` and `statistics.interval.ms`).
    public var retryLog: [RetryCount] { context.retryLog }

    /// The first delivery failure's text, if any message failed.
    public var firstFailure: String? { context.firstFailure }
}
