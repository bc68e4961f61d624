import CRdKafka

/// Messages taken from librdkafka's queue, handed out one partition at a time in turn: the consumer of a sweep's
/// measurement window processes its partitions round-robin, one message each, whatever the broker put in a fetch.
///
/// Why: a consumer processes its queue in the order fetches arrived. The embedded broker answers a fetch with one
/// stored batch per partition, so partitions took turns by themselves; Tansu (and a real Kafka broker) return up to
/// `max.partition.fetch.bytes` of a partition at once (Tansu returned a whole partition, 3,769 events, before the
/// next), so a consumer of several partitions spent seconds on one and the others stalled in the window. A
/// message's processing costs the same whichever partition it comes from, so the order changes which partitions are
/// consumed during the window, not how many messages are. End-of-partition events stay behind their partition's
/// messages; consumer errors go out first.
///
/// Memory: it holds at most `capacity` messages (librdkafka's, until they are handed out and destroyed); while it
/// is full nothing more is taken from librdkafka's queue, whose own limits then stop the fetcher.
///
/// Thread: the consumer's thread only (not Sendable).
struct PartitionRotation {
    /// Messages it holds at most.
    let capacity: Int
    /// A partition, by librdkafka topic handle (stable for the client's life) and number: no string per message.
    private struct Key: Hashable {
        let topic: OpaquePointer?
        let partition: Int32
    }
    /// Each partition's messages in arrival order, owned until handed out or dropped.
    private var queues: [Key: [UnsafeMutablePointer<rd_kafka_message_t>]] = [:]
    /// Read positions in `queues` (a queue is compacted when it is drained).
    private var heads: [Key: Int] = [:]
    /// Partitions in the order they take turns; `next` is the one whose turn it is.
    private var order: [Key] = []
    private var next = 0
    /// Errors without a partition, delivered before any message.
    private var errors: [UnsafeMutablePointer<rd_kafka_message_t>] = []
    /// Messages held (errors included).
    private(set) var count = 0

    /// An empty rotation holding at most `capacity` messages.
    init(capacity: Int) { self.capacity = capacity }

    /// Whether `count` reached `capacity`: the consumer then takes nothing more from librdkafka.
    var isFull: Bool { count >= capacity }
    /// Whether it holds nothing, errors included.
    var isEmpty: Bool { count == 0 }

    /// Takes ownership of one librdkafka message: an error without a partition goes to `errors`, anything else (an
    /// end-of-partition event included) behind its partition's messages; a new partition joins the end of the turn order.
    mutating func append(_ m: UnsafeMutablePointer<rd_kafka_message_t>) {
        count += 1
        let err = m.pointee.err
        if err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__PARTITION_EOF {
            errors.append(m)
            return
        }
        let key = Key(topic: m.pointee.rkt, partition: m.pointee.partition)
        if queues[key] == nil {
            queues[key] = []
            heads[key] = 0
            order.append(key)
        }
        queues[key]!.append(m)
    }

    /// Moves up to `max` messages into `out`: errors first, then one message from each partition in turn.
    mutating func take(into out: UnsafeMutablePointer<UnsafeMutablePointer<rd_kafka_message_t>?>, max: Int) -> Int {
        var n = 0
        while n < max, !errors.isEmpty {
            out[n] = errors.removeFirst()
            n += 1
        }
        var idle = 0
        while n < max && !order.isEmpty && idle < order.count {
            if next >= order.count { next = 0 }
            let key = order[next]
            next += 1
            let head = heads[key]!
            guard head < queues[key]!.count else {
                idle += 1
                continue
            }
            idle = 0
            out[n] = queues[key]![head]
            n += 1
            if head + 1 == queues[key]!.count {
                queues[key]!.removeAll(keepingCapacity: true)
                heads[key] = 0
            } else {
                heads[key] = head + 1
            }
        }
        count -= n
        return n
    }

    /// Destroys what it holds of the partitions `reject` names (revoked or paused: librdkafka drops its own queued
    /// messages of those too, and their next owner or the resumed fetch reads them again).
    mutating func drop(where reject: (OpaquePointer?, Int32) -> Bool) {
        for key in order where reject(key.topic, key.partition) {
            let pending = queues[key]!
            for m in pending[heads[key]!...] { rd_kafka_message_destroy(m) }
            count -= pending.count - heads[key]!
            queues[key]!.removeAll()
            heads[key] = 0
        }
    }

    /// Destroys everything it holds (before the consumer is destroyed).
    mutating func destroyAll() {
        drop { _, _ in true }
        for m in errors { rd_kafka_message_destroy(m) }
        count -= errors.count
        errors.removeAll()
    }
}
