import CRdKafka

/// Broker faults on the embedded cluster through librdkafka 2.0.2's mock fault API (`rdkafka_mock.h`), plus the
/// request and error names a script may use.
///
/// What each call does in 2.0.2 (read from `src/rdkafka_mock.c`): every call posts an operation to the mock
/// cluster's thread and waits for it, so it may be made from any thread and has taken effect when it returns.
/// `set_down` closes the broker's listener and every connection to it but moves no leadership: the partitions
/// it leads stall until `set_up`. `partition_set_leader` swaps a partition's leader (clients learn it from
/// NOT_LEADER errors and a metadata refresh). `set_rtt` delays every response of the broker by a fixed time (no
/// jitter, bandwidth limit or loss). `coordinator_set` moves a group's coordinator; group state is cluster-wide
/// and survives the move. Pushed request errors answer the next N requests of that type, on any broker.
public enum MockFaults {
    /// Request types a script may name (Kafka protocol API keys).
    public static let apiKeys: [(name: String, key: Int16)] = [
        ("Produce", 0), ("Fetch", 1), ("ListOffsets", 2), ("Metadata", 3), ("OffsetCommit", 8), ("OffsetFetch", 9),
        ("FindCoordinator", 10), ("JoinGroup", 11), ("Heartbeat", 12), ("LeaveGroup", 13), ("SyncGroup", 14),
        ("ApiVersions", 18), ("InitProducerId", 22),
    ]

    /// A request type by name (case-insensitive) or number.
    public static func apiKey(named text: String) -> (name: String, key: Int16)? {
        if let n = Int16(text), n >= 0 { return apiKeys.first { $0.key == n } ?? ("api\(n)", n) }
        return apiKeys.first { $0.name.lowercased() == text.lowercased() }
    }

    /// A librdkafka error by its name without `RD_KAFKA_RESP_ERR_` (e.g. `NOT_LEADER_FOR_PARTITION`,
    /// `_TRANSPORT`), case-insensitive, or by number.
    public static func errorCode(named text: String) -> (name: String, code: Int32)? {
        var descs: UnsafePointer<rd_kafka_err_desc>?
        var count = 0
        rd_kafka_get_err_descs(&descs, &count)
        guard let descs else { return nil }
        let wanted = text.uppercased()
        let number = Int32(text)
        for i in 0..<count {
            let d = descs[i]
            guard let cName = d.name else { continue }
            let name = String(cString: cName)
            if name == wanted || d.code.rawValue == number { return (name, d.code.rawValue) }
        }
        return nil
    }
}

extension EmbeddedBroker {
    /// The mock cluster for a fault call; an error once the broker was shut down.
    private func mock() throws(KafkaError) -> OpaquePointer {
        guard let cluster = mockCluster else { throw .usage("the embedded broker is shut down") }
        return cluster
    }

    /// Stops broker `id` (listener and connections closed); its partitions keep it as leader and stall.
    public func setBrokerDown(_ id: Int32) throws(KafkaError) {
        try check(rd_kafka_mock_broker_set_down(try mock(), id), "set broker \(id) down")
    }

    /// Starts broker `id` again on the same port.
    public func setBrokerUp(_ id: Int32) throws(KafkaError) {
        try check(rd_kafka_mock_broker_set_up(try mock(), id), "set broker \(id) up")
    }

    /// Delays every response of broker `id` (nil: every broker) by `milliseconds`.
    public func setRoundTripTime(_ milliseconds: Int, broker id: Int32?) throws(KafkaError) {
        try check(rd_kafka_mock_broker_set_rtt(try mock(), id ?? -1, Int32(milliseconds)), "set the round-trip time of broker \(id.map(String.init) ?? "all")")
    }

    /// Makes broker `leader` the leader of `topic`'s `partition`.
    public func setPartitionLeader(_ topic: String, partition: Int32, leader: Int32) throws(KafkaError) {
        try check(rd_kafka_mock_partition_set_leader(try mock(), topic, partition, leader), "move the leader of \(topic)/\(partition) to broker \(leader)")
    }

    /// Moves consumer group `group`'s coordinator to broker `id`.
    public func setGroupCoordinator(_ group: String, broker id: Int32) throws(KafkaError) {
        try check(rd_kafka_mock_coordinator_set(try mock(), "group", group, id), "move the coordinator of group \(group) to broker \(id)")
    }

    /// The next `count` requests of type `apiKey` (on any broker) fail with `errorCode`.
    public func pushRequestErrors(apiKey: Int16, errorCode: Int32, count: Int) throws(KafkaError) {
        let cluster = try mock()
        let errors = [rd_kafka_resp_err_t](repeating: rd_kafka_resp_err_t(rawValue: errorCode), count: count)
        errors.withUnsafeBufferPointer { rd_kafka_mock_push_request_errors_array(cluster, apiKey, count, $0.baseAddress) }
    }
}

extension KafkaAdmin {
    /// The leader broker of each partition of `topic` (index = partition), as the cluster's metadata says now.
    /// The embedded cluster picks each partition's first leader at random among its replicas, so a fault on a
    /// broker must ask which partitions it leads rather than assume it.
    public func partitionLeaders(topic: String, timeoutMs: Int32 = 10_000) throws(KafkaError) -> [Int32] {
        var md: UnsafePointer<rd_kafka_metadata>?
        try check(rd_kafka_metadata(rk, 1, nil, &md, timeoutMs), "metadata for the leaders of \(topic)")
        defer { rd_kafka_metadata_destroy(md) }
        let m = md!.pointee
        for i in 0..<Int(m.topic_cnt) where String(cString: m.topics[i].topic) == topic {
            let t = m.topics[i]
            var leaders = [Int32](repeating: -1, count: Int(t.partition_cnt))
            for k in 0..<Int(t.partition_cnt) where Int(t.partitions[k].id) < leaders.count {
                leaders[Int(t.partitions[k].id)] = t.partitions[k].leader
            }
            return leaders
        }
        throw KafkaError(code: nil, message: "metadata does not show topic \(topic)")
    }
}

extension EmbeddedBroker {
    /// Undoes every fault a script can leave behind: all brokers up, no added round-trip time, no pushed request
    /// errors. Leadership and coordinators stay where faults moved them.
    public func clearFaults() throws(KafkaError) {
        let cluster = try mock()
        for b in 1...Int32(brokerCount) { try setBrokerUp(b) }
        try setRoundTripTime(0, broker: nil)
        for api in MockFaults.apiKeys { rd_kafka_mock_clear_request_errors(cluster, api.key) }
    }
}
