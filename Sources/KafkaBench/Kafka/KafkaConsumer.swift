import CRdKafka

#if canImport(Glibc)
    import Glibc
#endif

/// A message as librdkafka delivered it: a view valid only inside the `consumeBatch` body that received it.
/// Not Sendable and not storable: copy what you need (offset, partition, bytes) before the body returns.
public struct ConsumedMessage {
    /// The librdkafka message; `consumeBatch` destroys it when the body returns, so neither it nor the buffers below may
    /// be kept.
    let raw: UnsafeMutablePointer<rd_kafka_message_t>
    /// Index of the message's topic in `KafkaConsumer.topicNames`.
    public let topicIndex: Int

    /// The key's bytes (empty when the message has none), borrowed from librdkafka.
    @inline(__always) public var partition: Int32 { raw.pointee.partition }
    @inline(__always) public var offset: Int64 { raw.pointee.offset }
    @inline(__always) public var key: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: raw.pointee.key, count: raw.pointee.key_len)
    }
    /// The value's bytes (the kbench event header, then padding), borrowed from librdkafka.
    @inline(__always) public var value: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: raw.pointee.payload, count: raw.pointee.len)
    }
}

/// What one call to `consumeBatch` can deliver.
/// Handed to `consumeBatch`'s body on the consumer's thread, in the order librdkafka delivered them.
public enum ConsumerEvent {
    /// A message to process; valid only inside the body that receives it.
    case message(ConsumedMessage)
    /// The consumer reached the end of a partition (`enable.partition.eof=true`); `offset` is the next offset.
    case partitionEOF(topicIndex: Int, partition: Int32, offset: Int64)
    /// A consumer error (a fetch failure, an unknown topic, …). Transport errors are often transient.
    case error(KafkaError)
}

/// A librdkafka high-level consumer: subscribe (group) or assign (no group), batch consume, pause/resume,
/// offset store and commit, and close with leave-group.
///
/// Threading: not Sendable. Everything, including the rebalance callback, runs on the one thread that created it
/// and calls `consumeBatch` (librdkafka 2.0.2's batch consume is not safe against concurrent pause/resume or
/// rebalances from other threads). The callback only applies and records a change; the owner takes the changes
/// with `takeAssignmentChanges()` after `consumeBatch` returns. Lifetime: `close()`/`deinit` destroy the queue and
/// the `rd_kafka_t` before the `RebalanceContext` the callbacks point at is released.
public final class KafkaConsumer {
    /// The `rd_kafka_t`, owned: destroyed by `close()` or `deinit`.
    let rk: OpaquePointer
    /// The consumer queue (`rd_kafka_queue_get_consumer`), owned; everything is read from it, callbacks included.
    private let queue: OpaquePointer
    /// What the rebalance and statistics callbacks write (assignment, pending changes, join states); they reach it
    /// through the configuration's opaque pointer, so it must outlive `rk`.
    private let context = RebalanceContext()
    /// The configuration as created, kept to scrub secrets out of error texts.
    private let config: KafkaConfig
    /// Set by `close()`, after which `deinit` destroys nothing librdkafka owned.
    private var closed = false
    /// `batchCapacity` message pointers that every librdkafka batch call fills; allocated once, freed by `deinit`.
    private var batch: UnsafeMutablePointer<UnsafeMutablePointer<rd_kafka_message_t>?>
    /// The length of `batch`: at most this many messages per librdkafka batch call (`init`'s `batchSize`, at least 1).
    private let batchCapacity: Int
    /// Topic handles seen on messages, parallel to `topicNames`.
    private var topicHandles: [OpaquePointer?] = []
    /// Topic handles this consumer opened itself (`rd_kafka_topic_new`) so that `assign` can learn the partition
    /// leaders first; destroyed before the `rd_kafka_t`.
    private var ownedTopics: [OpaquePointer] = []
    /// Messages (and events) the last `consumeBatch` delivered.
    private var lastBatchCount = 0
    /// librdkafka's pre-fetch queue limits as configured (`queued.min.messages`, `queued.max.messages.kbytes`),
    /// whether `consumeBatch` saw the queue near them, the mean value size of the last batch (librdkafka counts
    /// value bytes), and how often a stalled fetcher was woken up.
    private let queueLimitMessages: Int
    private let queueLimitBytes: Int
    private var queueWasFull = false
    private var meanValueBytes = 100
    /// When `consumeBatch` finds the queue empty just after messages were flowing, it sleeps this long before
    /// waiting on librdkafka's queue (0: never). The fetcher then appends several message sets without waking
    /// this thread for each one (a futex wake-up per message set cost librdkafka's fetch thread, the bottleneck
    /// of a fast drain, ~15% of its time). Adds at most this much latency while data flows; none when idle.
    public var coalesceMicros = 0
    /// Take one message per librdkafka call (see `takeQueued`): for consumers whose group may rebalance while
    /// they consume (live traffic), where librdkafka 2.0.2's batch call can lose messages. Costs a little CPU.
    public var takeOneAtATime = false
    /// Hand messages out one partition at a time in turn (`PartitionRotation`), for a sweep's measurement window;
    /// set before the first `consumeBatch`.
    public var rotatesPartitions = false
    /// The messages taken from librdkafka and not yet handed out, per partition, when `rotatesPartitions` (owned
    /// `rd_kafka_message_t`s, destroyed when dropped or on `deinit`).
    private var rotation: PartitionRotation
    /// The assignment the rotation was last checked against (messages of partitions no longer assigned are dropped).
    private var rotationAssignment: Set<TopicPartition> = []
    /// Names of the topics messages came from, in first-seen order (subscribed topics first).
    public private(set) var topicNames: [String] = []

    /// Every librdkafka property this consumer was created with (kbench's client defaults included).
    public let appliedProperties: [String: String]

    /// - Parameter batchSize: at most this many messages per `consumeBatch` call.
    public init(config: KafkaConfig, batchSize: Int = 1000) throws(KafkaError) {
        var config = config
        if config["group.id"] == nil {
            // librdkafka's consumer needs a group id even for assign(); this one never joins or commits.
            config["group.id"] = "kbench-assign-\(getpid())"
            config["enable.auto.commit"] = "false"
        }
        self.config = config
        queueLimitMessages = max(1, Int(config["queued.min.messages"] ?? "") ?? 100_000)
        queueLimitBytes = max(1, Int(config["queued.max.messages.kbytes"] ?? "") ?? 65_536) * 1024
        appliedProperties = ClientHandle.effective(config).properties
        let context = self.context
        rk = try ClientHandle.make(RD_KAFKA_CONSUMER, config) { conf in
            context.install(on: conf)
            rd_kafka_conf_set_rebalance_cb(conf, kbenchRebalanceCallback)
            rd_kafka_conf_set_stats_cb(conf, kbenchStatsCallback)
        }
        rd_kafka_poll_set_consumer(rk)
        guard let queue = rd_kafka_queue_get_consumer(rk) else {
            rd_kafka_destroy(rk)
            throw .usage("librdkafka gave the consumer no queue (is group.id set?)")
        }
        self.queue = queue
        batchCapacity = max(1, batchSize)
        batch = .allocate(capacity: batchCapacity)
        rotation = PartitionRotation(capacity: max(100_000, queueLimitMessages))
    }

    /// Destroys the rotation's messages and, when `close()` did not, the queue, the owned topic handles and the
    /// `rd_kafka_t`, in that order; then frees the batch array.
    deinit {
        rotation.destroyAll()
        if !closed {
            rd_kafka_queue_destroy(queue)
            for rkt in ownedTopics { rd_kafka_topic_destroy(rkt) }
            rd_kafka_destroy(rk)
        }
        batch.deallocate()
    }

    /// The partitions currently assigned to this consumer.
    public var assignment: Set<TopicPartition> { context.assignment }

    /// Changes of the group's join state ("steady", "wait-join", …) seen in librdkafka's statistics since the last
    /// call, as (CLOCK_MONOTONIC ns, state); empty unless `statistics.interval.ms` is set.
    public func takeJoinStateChanges() -> [(atNs: UInt64, state: String)] {
        defer { context.pendingJoinStates.removeAll() }
        return context.pendingJoinStates.map { (atNs: $0.0, state: $0.1) }
    }

    /// The assignment changes applied since the last call, oldest first. Call it after `consumeBatch` (or
    /// `close`) returns: the rebalance callback runs inside them and only records.
    public func takeAssignmentChanges() -> [AssignmentChange] {
        defer { context.pending.removeAll() }
        return context.pending
    }

    /// Joins the group (`group.id` must be set) subscribed to `topics`.
    public func subscribe(_ topics: [String]) throws(KafkaError) {
        for t in topics where !topicNames.contains(t) { registerName(t) }
        let list = rd_kafka_topic_partition_list_new(Int32(topics.count))!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for t in topics { rd_kafka_topic_partition_list_add(list, t, -1) }
        try check(rd_kafka_subscribe(rk, list), "subscribe to \(topics.joined(separator: ","))")
    }

    /// Consumes the given partitions without a group, from `start`.
    ///
    /// Learns the partitions' leaders first (one Metadata request on this client): librdkafka 2.0.2 starts a
    /// partition whose leader it does not know yet with a fixed 500 ms offset-query backoff
    /// (`rd_kafka_toppar_offset_request`), which would delay the first message by half a second.
    public func assign(_ partitions: [TopicPartition]) throws(KafkaError) {
        for tp in partitions where !topicNames.contains(tp.topic) { registerName(tp.topic) }
        learnLeaders(of: partitions.map(\.topic))
        let list = PartitionList.make(partitions)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for i in 0..<Int(list.pointee.cnt) { list.pointee.elems[i].offset = -2 }  // RD_KAFKA_OFFSET_BEGINNING
        try check(rd_kafka_assign(rk, list), "assign \(partitions.count) partition(s)")
        context.assignment = Set(partitions)
    }

    /// Opens a topic handle for each topic (so the client tracks it) and waits for one Metadata response that
    /// maps their partitions to leader brokers. Best effort: on failure or timeout, librdkafka finds the leaders
    /// itself, only later.
    private func learnLeaders(of topics: [String], timeoutMs: Int32 = 5_000) {
        var opened = false
        for name in Set(topics) where !ownedTopics.contains(where: { String(cString: rd_kafka_topic_name($0)) == name }) {
            guard let rkt = rd_kafka_topic_new(rk, name, nil) else { continue }
            ownedTopics.append(rkt)
            opened = true
        }
        guard opened else { return }
        // all_topics=0 without a topic asks for every topic this client knows: exactly the ones opened above.
        var md: UnsafePointer<rd_kafka_metadata>?
        if rd_kafka_metadata(rk, 0, nil, &md, timeoutMs) == RD_KAFKA_RESP_ERR_NO_ERROR, let md {
            rd_kafka_metadata_destroy(md)
        }
    }

    /// Reserves a `topicNames` index for a topic before any message of it arrives, so subscribed topics come first.
    private func registerName(_ name: String) {
        topicNames.append(name)
        topicHandles.append(nil)  // filled in when a message first shows the handle
    }

    @inline(__always)
    private func topicIndex(_ rkt: OpaquePointer?) -> Int {
        guard let rkt else { return -1 }
        for i in 0..<topicHandles.count where topicHandles[i] == rkt { return i }
        let name = String(cString: rd_kafka_topic_name(rkt))
        if let i = topicNames.firstIndex(of: name) {
            topicHandles[i] = rkt
            return i
        }
        topicNames.append(name)
        topicHandles.append(rkt)
        return topicNames.count - 1
    }

    /// Serves callbacks (rebalances, errors) and delivers up to `batchSize` messages to `body`: what is already
    /// queued, or, when nothing is, the first message to arrive within `timeoutMs` together with whatever came
    /// with it. Returns the number of events delivered.
    @discardableResult
    public func consumeBatch(timeoutMs: Int32, _ body: (ConsumerEvent) -> Void) -> Int {
        // rd_kafka_consume_batch_queue returns only when the batch is *full* or the timeout expires, so a single
        // blocking call holds a partial batch back for the whole timeout (the last batch of every drain, every
        // batch at low rates). Take what is queued without waiting; only if that is nothing, wait for one
        // message and then take what followed it.
        wakeStalledFetcher()
        var n = rotatesPartitions ? rotatedBatch(timeoutMs: timeoutMs) : takeQueued(into: 0)
        if !rotatesPartitions && n == 0 && timeoutMs != 0 && coalesceMicros > 0 && lastBatchCount > 0 {
            usleep(UInt32(coalesceMicros))
            n = takeQueued(into: 0)
        }
        if !rotatesPartitions && n == 0 && timeoutMs != 0 {
            n = rd_kafka_consume_batch_queue(queue, timeoutMs, batch, 1)
            if n == 1 && batchCapacity > 1 {
                let more = takeQueued(into: 1)
                if more > 0 { n += more }
            }
        }
        lastBatchCount = max(0, n)
        if n < 0 {
            body(.error(KafkaError.rd(rd_kafka_last_error(), "consume")))
            return 0
        }
        var valueBytes = 0
        for i in 0..<n {
            let m = batch[i]!
            let err = m.pointee.err
            valueBytes &+= m.pointee.len
            if err == RD_KAFKA_RESP_ERR_NO_ERROR {
                body(.message(ConsumedMessage(raw: m, topicIndex: topicIndex(m.pointee.rkt))))
            } else if err == RD_KAFKA_RESP_ERR__PARTITION_EOF {
                body(.partitionEOF(topicIndex: topicIndex(m.pointee.rkt), partition: m.pointee.partition, offset: m.pointee.offset))
            } else {
                var text = String(cString: rd_kafka_err2str(err))
                if let p = m.pointee.payload, m.pointee.len > 0 {
                    text = String(decoding: UnsafeRawBufferPointer(start: p, count: m.pointee.len), as: UTF8.self)
                }
                body(.error(KafkaError(code: err.rawValue, message: "consumer error: \(Secrets.scrub(text, in: config))")))
            }
            rd_kafka_message_destroy(m)
        }
        if n > 0 { meanValueBytes = max(1, valueBytes / n) }
        return n
    }

    /// `rotatesPartitions`: moves what librdkafka has queued into the rotation (while it has room), waits up to
    /// `timeoutMs` for one message when it is empty, and hands out up to a batch, one partition at a time in turn.
    private func rotatedBatch(timeoutMs: Int32) -> Int {
        if context.assignment != rotationAssignment {
            rotationAssignment = context.assignment
            let assigned = rotationAssignment
            rotation.drop { rkt, p in !assigned.contains(TopicPartition(String(cString: rd_kafka_topic_name(rkt)), p)) }
        }
        while !rotation.isFull {
            let got = rd_kafka_consume_batch_queue(queue, 0, batch, batchCapacity)
            if got < 0 && rotation.isEmpty { return got }
            if got <= 0 { break }
            for i in 0..<got { rotation.append(batch[i]!) }
        }
        if rotation.isEmpty && timeoutMs != 0 {
            let got = rd_kafka_consume_batch_queue(queue, timeoutMs, batch, 1)
            if got < 0 { return got }
            if got == 1 { rotation.append(batch[0]!) }
        }
        return rotation.take(into: batch, max: batchCapacity)
    }

    /// Takes what is queued, without waiting, into `batch[start...]`; returns how many (negative on error).
    ///
    /// With `takeOneAtATime`, one message per librdkafka call: in 2.0.2 a rebalance that starts during a batch
    /// call purges the messages that call had already taken (its pause barrier) after their offsets were stored,
    /// so they are committed but never returned, or skipped on partitions the consumer keeps (fixed in 2.1.0,
    /// librdkafka #4208). A call that may take only one message has nothing to purge.
    private func takeQueued(into start: Int) -> Int {
        guard takeOneAtATime else { return rd_kafka_consume_batch_queue(queue, 0, batch + start, batchCapacity - start) }
        var n = 0
        while start + n < batchCapacity {
            let got = rd_kafka_consume_batch_queue(queue, 0, batch + start + n, 1)
            if got <= 0 { return n > 0 ? n : got }
            n += got
        }
        return n
    }

    /// librdkafka 2.0.2 stops fetching while the pre-fetch queue is at its limits and looks again only when its
    /// broker thread next wakes up, up to 1 s later when nothing else happens (`fetch.queue.backoff.ms` came in
    /// 2.2): a consumer faster than ~limit/s but slower than the fetcher then idles most of the time (a spin:2us
    /// drain of 1 M events took 16 s instead of 2.3 s). So once the queue was near a limit and has drained to
    /// half of it, a read-only ListOffsets request to the leaders of the assignment wakes their broker threads,
    /// which then fetch again before the queue runs dry. One request per fill of the queue, none otherwise.
    private func wakeStalledFetcher() {
        let queued = Int(rd_kafka_queue_length(queue))
        let bytes = queued * meanValueBytes
        if queued >= queueLimitMessages / 10 * 9 || bytes >= queueLimitBytes / 10 * 9 {
            queueWasFull = true
        } else if queueWasFull && queued <= queueLimitMessages / 2 && bytes <= queueLimitBytes / 2 {
            queueWasFull = false
            let partitions = Array(context.assignment)
            guard !partitions.isEmpty else { return }
            let list = PartitionList.make(partitions)
            defer { rd_kafka_topic_partition_list_destroy(list) }
            for i in 0..<Int(list.pointee.cnt) { list.pointee.elems[i].offset = -1 }  // "latest": any answer will do
            _ = rd_kafka_offsets_for_times(rk, list, 500)
        }
    }

    /// Stops fetching the given partitions (their pre-fetched messages are discarded).
    public func pause(_ partitions: [TopicPartition]) throws(KafkaError) {
        let paused = Set(partitions)
        rotation.drop { rkt, p in paused.contains(TopicPartition(String(cString: rd_kafka_topic_name(rkt)), p)) }
        try pauseResume(partitions, pause: true)
    }

    /// Resumes fetching the given partitions from the last consumed position.
    public func resume(_ partitions: [TopicPartition]) throws(KafkaError) {
        try pauseResume(partitions, pause: false)
    }

    /// Pauses or resumes `partitions`, throwing the call's error or the first per-partition error.
    private func pauseResume(_ partitions: [TopicPartition], pause: Bool) throws(KafkaError) {
        guard !partitions.isEmpty else { return }
        let list = PartitionList.make(partitions)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = pause ? rd_kafka_pause_partitions(rk, list) : rd_kafka_resume_partitions(rk, list)
        try check(err, pause ? "pause" : "resume")
        if let (tp, e) = PartitionList.firstError(list) { throw KafkaError.rd(e, "\(pause ? "pause" : "resume") \(tp)") }
    }

    /// Marks `message` as processed: its offset + 1 is committed by the next commit (needs
    /// `enable.auto.offset.store=false` to be meaningful).
    @inline(__always)
    public func storeOffset(_ message: ConsumedMessage) {
        _ = rd_kafka_offset_store(message.raw.pointee.rkt, message.partition, message.offset)
    }

    /// Commits the stored offsets. A sync commit with nothing to commit is not an error.
    public func commit(async: Bool) throws(KafkaError) {
        let err = rd_kafka_commit(rk, nil, async ? 1 : 0)
        if err == RD_KAFKA_RESP_ERR__NO_OFFSET { return }
        try check(err, async ? "async commit" : "commit")
    }

    /// Leaves the group (revoking the assignment through the rebalance callback) and destroys the client.
    /// Safe to call more than once.
    public func close() throws(KafkaError) {
        guard !closed else { return }
        closed = true
        rotation.destroyAll()
        let err = rd_kafka_consumer_close(rk)
        rd_kafka_queue_destroy(queue)
        for rkt in ownedTopics { rd_kafka_topic_destroy(rkt) }
        rd_kafka_destroy(rk)
        try check(err, "consumer close")
    }
}
