import CRdKafka

/// Cluster metadata and topic/group administration over a producer-type handle.
///
/// Every call is bounded by a timeout; a timeout error says which bound was hit and what librdkafka last
/// reported (e.g. "Connection refused"). Not thread-safe: use from one thread.
public final class KafkaAdmin {
    /// The producer-type `rd_kafka_t` every admin call goes through, owned; destroyed in `deinit`.
    let rk: OpaquePointer
    /// Collects librdkafka's error callbacks, so a timeout can say what librdkafka last reported.
    private let context = ClientContext()
    /// The configuration, kept for the bootstrap in messages and to scrub secrets out of errors.
    private let config: KafkaConfig

    /// Creates the client; it connects lazily, on the first call.
    public init(config: KafkaConfig) throws(KafkaError) {
        self.config = config
        let context = self.context
        rk = try ClientHandle.make(RD_KAFKA_PRODUCER, config) { conf in context.install(on: conf) }
    }

    deinit { rd_kafka_destroy(rk) }

    /// The bootstrap servers for error messages.
    private var bootstrap: String { config["bootstrap.servers"] ?? "(no bootstrap.servers)" }

    /// " (last error: …)" with librdkafka's last reported error, secrets masked, after serving pending callbacks; ""
    /// when there is none.
    private func lastErrorSuffix() -> String {
        rd_kafka_poll(rk, 0)
        guard let last = context.lastError else { return "" }
        return " (last error: \(Secrets.scrub(last, in: config)))"
    }

    /// Brokers, controller, cluster id and every topic with its partition count and replication factor.
    /// - Parameter timeoutMs: the connect bound; an unreachable cluster fails after it.
    public func metadata(timeoutMs: Int32 = 10_000) throws(KafkaError) -> ClusterMetadata {
        var md: UnsafePointer<rd_kafka_metadata>?
        let err = rd_kafka_metadata(rk, 1, nil, &md, timeoutMs)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError(
                code: err.rawValue,
                message: "cannot reach the Kafka cluster at \(bootstrap) within \(timeoutMs) ms: "
                    + String(cString: rd_kafka_err2str(err)) + lastErrorSuffix()
                    + "; check --bootstrap, or raise the bound with --connect-timeout")
        }
        defer { rd_kafka_metadata_destroy(md) }
        let m = md!.pointee
        var brokers: [ClusterMetadata.Broker] = []
        for i in 0..<Int(m.broker_cnt) {
            let b = m.brokers[i]
            brokers.append(.init(id: b.id, host: String(cString: b.host), port: b.port))
        }
        var topics: [String: ClusterMetadata.Topic] = [:]
        for i in 0..<Int(m.topic_cnt) {
            let t = m.topics[i]
            let name = String(cString: t.topic)
            let rf = t.partition_cnt > 0 ? Int(t.partitions[0].replica_cnt) : 0
            let error = t.err == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : String(cString: rd_kafka_err2str(t.err))
            topics[name] = .init(name: name, partitions: Int(t.partition_cnt), replicationFactor: rf, error: error)
        }
        var clusterId: String?
        if let id = rd_kafka_clusterid(rk, timeoutMs) {
            clusterId = String(cString: id)
            rd_kafka_mem_free(rk, id)
        }
        return ClusterMetadata(
            clusterId: clusterId, controllerId: rd_kafka_controllerid(rk, timeoutMs),
            brokers: brokers.sorted { $0.id < $1.id }, topics: topics)
    }

    /// Low and high watermarks of a partition, asked of its leader.
    public func watermarks(_ tp: TopicPartition, timeoutMs: Int32 = 10_000) throws(KafkaError) -> (low: Int64, high: Int64) {
        var low: Int64 = 0, high: Int64 = 0
        try check(rd_kafka_query_watermark_offsets(rk, tp.topic, tp.partition, &low, &high, timeoutMs), "watermarks of \(tp)")
        return (low, high)
    }

    /// Creates a topic through the admin API (not supported by the embedded broker: see `EmbeddedBroker`).
    public func createTopic(_ name: String, partitions: Int, replicationFactor: Int, timeoutMs: Int32 = 30_000) throws(KafkaError) {
        guard partitions > 0 else { throw .usage("cannot create topic \(name) with \(partitions) partitions: a topic needs at least 1") }
        var errbuf = [CChar](repeating: 0, count: 512)
        guard let newTopic = rd_kafka_NewTopic_new(name, Int32(partitions), Int32(replicationFactor), &errbuf, errbuf.count) else {
            let text = errbuf.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw .usage("cannot create topic \(name): \(text)")
        }
        defer { rd_kafka_NewTopic_destroy(newTopic) }
        var topics: [OpaquePointer?] = [newTopic]
        try runAdmin(RD_KAFKA_ADMIN_OP_CREATETOPICS, what: "create topic \(name)", timeoutMs: timeoutMs) { options, queue in
            rd_kafka_CreateTopics(rk, &topics, 1, options, queue)
        } results: { event in
            var n = 0
            let res = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &n)
            return Self.topicResults(res, n)
        }
    }

    /// Deletes topics through the admin API. Only ever called with topics this run created.
    public func deleteTopics(_ names: [String], timeoutMs: Int32 = 30_000) throws(KafkaError) {
        guard !names.isEmpty else { return }
        var topics: [OpaquePointer?] = names.map { rd_kafka_DeleteTopic_new($0) }
        defer { for t in topics { rd_kafka_DeleteTopic_destroy(t) } }
        try runAdmin(RD_KAFKA_ADMIN_OP_DELETETOPICS, what: "delete topics \(names.joined(separator: ","))", timeoutMs: timeoutMs) { options, queue in
            rd_kafka_DeleteTopics(rk, &topics, topics.count, options, queue)
        } results: { event in
            var n = 0
            let res = rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(event), &n)
            return Self.topicResults(res, n)
        }
    }

    /// Deletes consumer groups (where the broker supports DeleteGroups).
    public func deleteGroups(_ names: [String], timeoutMs: Int32 = 30_000) throws(KafkaError) {
        guard !names.isEmpty else { return }
        var groups: [OpaquePointer?] = names.map { rd_kafka_DeleteGroup_new($0) }
        defer { for g in groups { rd_kafka_DeleteGroup_destroy(g) } }
        try runAdmin(RD_KAFKA_ADMIN_OP_DELETEGROUPS, what: "delete groups", timeoutMs: timeoutMs) { options, queue in
            rd_kafka_DeleteGroups(rk, &groups, groups.count, options, queue)
        } results: { event in
            var n = 0
            guard let res = rd_kafka_DeleteGroups_result_groups(rd_kafka_event_DeleteGroups_result(event), &n) else { return [] }
            return (0..<n).compactMap { i -> String? in
                guard let e = rd_kafka_group_result_error(res[i]) else { return nil }
                return "\(String(cString: rd_kafka_group_result_name(res[i]))): \(String(cString: rd_kafka_error_string(e)))"
            }
        }
    }

    /// One "topic: error" line per topic the result reports as failed; empty when all succeeded.
    private static func topicResults(_ res: UnsafeMutablePointer<OpaquePointer?>?, _ n: Int) -> [String] {
        guard let res else { return [] }
        return (0..<n).compactMap { i -> String? in
            let err = rd_kafka_topic_result_error(res[i])
            if err == RD_KAFKA_RESP_ERR_NO_ERROR { return nil }
            let msg = rd_kafka_topic_result_error_string(res[i]).map { String(cString: $0) } ?? String(cString: rd_kafka_err2str(err))
            return "\(String(cString: rd_kafka_topic_result_name(res[i]))): \(msg)"
        }
    }

    /// Runs one admin request and waits for its result event, bounded by `timeoutMs`.
    private func runAdmin(
        _ op: rd_kafka_admin_op_t, what: String, timeoutMs: Int32,
        request: (OpaquePointer?, OpaquePointer?) -> Void,
        results: (OpaquePointer) -> [String]
    ) throws(KafkaError) {
        let queue = rd_kafka_queue_new(rk)
        defer { rd_kafka_queue_destroy(queue) }
        let options = rd_kafka_AdminOptions_new(rk, op)
        defer { rd_kafka_AdminOptions_destroy(options) }
        var errbuf = [CChar](repeating: 0, count: 256)
        _ = rd_kafka_AdminOptions_set_request_timeout(options, timeoutMs, &errbuf, errbuf.count)
        if op != RD_KAFKA_ADMIN_OP_DELETEGROUPS {
            _ = rd_kafka_AdminOptions_set_operation_timeout(options, timeoutMs, &errbuf, errbuf.count)
        }
        request(options, queue)
        guard let event = rd_kafka_queue_poll(queue, timeoutMs + 1000) else {
            throw KafkaError(
                code: RD_KAFKA_RESP_ERR__TIMED_OUT.rawValue,
                message: "\(what): no answer within \(timeoutMs) ms\(lastErrorSuffix())")
        }
        defer { rd_kafka_event_destroy(event) }
        let err = rd_kafka_event_error(event)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError(code: err.rawValue, message: "\(what): \(String(cString: rd_kafka_event_error_string(event)))")
        }
        let failures = results(event)
        if !failures.isEmpty {
            throw KafkaError(code: nil, message: "\(what): \(failures.joined(separator: "; "))")
        }
    }
}
