import CRdKafka
import Foundation

/// The two topics through which a runner and its agents talk, named from the run's topic prefix:
/// `<prefix>-agents-control` (runner → agents) and `<prefix>-agents-reports` (agents → runner). Each message
/// goes to partition 0, so each topic is read in order.
public struct ControlTopics: Sendable, Equatable {
    /// Runner → agents.
    public let control: String
    /// Agents → runner.
    public let reports: String

    /// The two names for topic prefix `prefix` (`--topic-prefix`, "kbench" by default).
    public init(prefix: String) {
        control = "\(prefix)-agents-control"
        reports = "\(prefix)-agents-reports"
    }
}

/// One side's link over the control topics: produces to one topic, reads the other from its end as it was
/// when the link opened (older messages are stale anyway).
///
/// Topics are created when missing: on a real cluster through the admin API (1 partition); on an embedded broker
/// hosted by this process directly; on an embedded broker hosted elsewhere (`kbench broker`) by the mock's
/// auto-creation, which a metadata request for the topic triggers (it creates 4 partitions; only partition 0 is
/// used).
///
/// Thread: `send` may be called from any thread (serialized by a lock); `receive` from one reading thread.
final class ControlChannel: @unchecked Sendable {
    /// The producer client and its handle of the send topic, owned; destroyed by `close()`.
    private let producer: OpaquePointer
    private let producerTopic: OpaquePointer
    /// The consumer client, assigned partition 0 of the receive topic (no group offsets are committed); owned.
    private let consumer: OpaquePointer
    /// Serializes `send` and `close`.
    private let lock = NSLock()
    private let config: KafkaConfig
    /// The topic this side produces to (partition 0), and the one it reads (partition 0, from its end at opening).
    let sendTopic: String
    let receiveTopic: String

    /// Creates the topics when missing, then opens a producer (no linger, 10 s message timeout) and a consumer that
    /// starts at the receive topic's current end. Throws when the cluster cannot be reached within `connectTimeoutMs`.
    init(
        config: KafkaConfig, sendTo: String, receiveFrom: String, connectTimeoutMs: Int32, hostedBroker: EmbeddedBroker? = nil
    ) throws(RunError) {
        self.config = config
        sendTopic = sendTo
        receiveTopic = receiveFrom
        do {
            try Self.ensureTopics([sendTo, receiveFrom], config: config, timeoutMs: connectTimeoutMs, hostedBroker: hostedBroker)
            producer = try ClientHandle.make(
                RD_KAFKA_PRODUCER, config.merging(["linger.ms": "0", "message.timeout.ms": "10000"]))
        } catch {
            throw RunError("cannot open the agents' control topics \(sendTo) and \(receiveFrom): \(error)")
        }
        guard let rkt = rd_kafka_topic_new(producer, sendTo, nil) else {
            rd_kafka_destroy(producer)
            throw RunError("cannot open topic \(sendTo)")
        }
        producerTopic = rkt
        let consumerConfig = config.merging([
            "group.id": "kbench-agents-\(getpid())-\(ControlCodec.nonce().prefix(8))", "enable.auto.commit": "false",
            "enable.partition.eof": "false", "fetch.wait.max.ms": "5", "fetch.error.backoff.ms": "20",
        ])
        do { consumer = try ClientHandle.make(RD_KAFKA_CONSUMER, consumerConfig) } catch {
            rd_kafka_topic_destroy(rkt)
            rd_kafka_destroy(producer)
            throw RunError("cannot read topic \(receiveFrom): \(error)")
        }
        rd_kafka_poll_set_consumer(consumer)
        var low: Int64 = 0, high: Int64 = 0
        let err = rd_kafka_query_watermark_offsets(consumer, receiveFrom, 0, &low, &high, connectTimeoutMs)
        let list = PartitionList.make([TopicPartition(receiveFrom, 0)])
        defer { rd_kafka_topic_partition_list_destroy(list) }
        list.pointee.elems[0].offset = err == RD_KAFKA_RESP_ERR_NO_ERROR ? high : -1
        let assigned = rd_kafka_assign(consumer, list)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR, assigned == RD_KAFKA_RESP_ERR_NO_ERROR else {
            close()
            throw RunError(
                "cannot read topic \(receiveFrom): \(String(cString: rd_kafka_err2str(err == RD_KAFKA_RESP_ERR_NO_ERROR ? assigned : err)))")
        }
    }

    /// Set by `close()`; a closed channel sends nothing.
    private var closed = false

    deinit { close() }

    /// Stops both clients (pending sends get up to 2 s).
    func close() {
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { return }
        closed = true
        rd_kafka_flush(producer, 2_000)
        rd_kafka_topic_destroy(producerTopic)
        rd_kafka_destroy(producer)
        rd_kafka_consumer_close(consumer)
        rd_kafka_destroy(consumer)
    }

    /// Enqueues one message to partition 0 of the send topic.
    func send(_ bytes: [UInt8]) throws(RunError) {
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { return }
        let rc = bytes.withUnsafeBytes { buf in
            rd_kafka_produce(producerTopic, 0, 0x2 /* RD_KAFKA_MSG_F_COPY */, UnsafeMutableRawPointer(mutating: buf.baseAddress), buf.count, nil, 0, nil)
        }
        rd_kafka_poll(producer, 0)
        if rc != 0 {
            throw RunError("cannot send to \(sendTopic): \(String(cString: rd_kafka_err2str(rd_kafka_last_error())))")
        }
    }

    /// Messages that arrived within `timeoutMs` (at most 500), in order.
    func receive(timeoutMs: Int32) -> [[UInt8]] {
        var out: [[UInt8]] = []
        var wait = timeoutMs
        while out.count < 500, let m = rd_kafka_consumer_poll(consumer, wait) {
            wait = 0
            if m.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR, let p = m.pointee.payload {
                out.append(Array(UnsafeRawBufferPointer(start: p, count: m.pointee.len)))
            }
            rd_kafka_message_destroy(m)
        }
        return out
    }

    /// Creates the missing ones of `topics` (see the type's documentation).
    static func ensureTopics(_ topics: [String], config: KafkaConfig, timeoutMs: Int32, hostedBroker: EmbeddedBroker?) throws(KafkaError) {
        let admin = try KafkaAdmin(config: config)
        var md = try admin.metadata(timeoutMs: timeoutMs)
        let missing = topics.filter { md.topics[$0] == nil || md.topics[$0]?.error != nil }
        guard !missing.isEmpty else { return }
        for name in missing {
            if let hostedBroker {
                try hostedBroker.createTopic(name, partitions: 1)
            } else if md.isEmbeddedBroker {
                _ = try? KafkaAdmin(config: config).topicMetadata(name, timeoutMs: timeoutMs)
            } else {
                do {
                    try admin.createTopic(name, partitions: 1, replicationFactor: min(3, max(1, md.brokers.count)), timeoutMs: timeoutMs)
                } catch {
                    md = try admin.metadata(timeoutMs: timeoutMs)
                    if md.topics[name] == nil { throw error }  // not created by another agent meanwhile either
                }
            }
        }
        let deadline = MonotonicClock.nanoseconds() + UInt64(timeoutMs) * 1_000_000
        while true {
            md = try admin.metadata(timeoutMs: timeoutMs)
            if topics.allSatisfy({ md.topics[$0] != nil && md.topics[$0]?.error == nil }) { return }
            if MonotonicClock.nanoseconds() > deadline {
                throw .usage("the topics \(topics.joined(separator: ", ")) did not appear within \(timeoutMs) ms")
            }
            Sleep.milliseconds(100)
        }
    }
}

extension KafkaAdmin {
    /// Asks for one topic's metadata (on librdkafka's mock this creates a missing topic).
    func topicMetadata(_ name: String, timeoutMs: Int32) throws(KafkaError) {
        guard let rkt = rd_kafka_topic_new(rk, name, nil) else { throw .usage("cannot open topic \(name)") }
        defer { rd_kafka_topic_destroy(rkt) }
        var md: UnsafePointer<rd_kafka_metadata>?
        try check(rd_kafka_metadata(rk, 0, rkt, &md, timeoutMs), "metadata of \(name)")
        rd_kafka_metadata_destroy(md)
    }
}
