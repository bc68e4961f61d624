import CRdKafka

/// The group protocol librdkafka negotiated for a consumer, from `rd_kafka_rebalance_protocol`.
/// Asked of librdkafka in every rebalance callback, so a change is applied with the call its protocol needs.
public enum RebalanceProtocol: String, Sendable, Codable {
    /// range, roundrobin: every rebalance revokes everything, then assigns the new set (stop-the-world).
    case eager = "EAGER"
    /// cooperative-sticky: only the partitions that move are revoked and assigned.
    case cooperative = "COOPERATIVE"
}

/// One assignment change, recorded by the rebalance callback after librdkafka has applied it and handed to the
/// consumer's owner by `KafkaConsumer.takeAssignmentChanges()` once the poll that served it has returned.
/// The consumer loop turns each into an `assignment` event for the runner.
public struct AssignmentChange: Sendable {
    /// `assigned` and `revoked` as librdkafka reports them; `lost` is a revocation after the member lost its membership
    /// (`rd_kafka_assignment_lost`, e.g. a session timeout): its partitions may already belong to someone else.
    public enum Kind: String, Sendable, Codable { case assigned, revoked, lost }
    public var kind: Kind
    /// CLOCK_MONOTONIC nanoseconds when the callback applied the change.
    public var atNs: UInt64
    /// The partitions this change added or removed.
    public var partitions: [TopicPartition]
    /// The protocol librdkafka negotiated, which decided how the change was applied.
    public var rebalanceProtocol: RebalanceProtocol
    /// The consumer's whole assignment after the change.
    public var assignment: Set<TopicPartition>
    /// Set when applying the change failed; the consumer has then no assignment.
    public var error: KafkaError?
}

/// The consumer's callback context: its current assignment and the changes not yet taken by the owner.
///
/// The callback only applies the change and records it, as swift-kafka-client's consumer does; the owner acts on
/// it (pause, report) after the batch call that served it has returned, never from inside librdkafka.
///
/// Lifetime: owned by `KafkaConsumer`, which destroys its `rd_kafka_t` (and so stops all callbacks) before
/// releasing this object. Thread: touched only on the consumer's polling thread (the callback runs inside poll),
/// so it is not Sendable.
final class RebalanceContext: ClientContext {
    /// The assignment as the callback last applied it (the consumer reads it as its current assignment).
    var assignment: Set<TopicPartition> = []
    /// Changes recorded and not yet taken by `KafkaConsumer.takeAssignmentChanges()`, oldest first.
    var pending: [AssignmentChange] = []
    /// The group join state from the last statistics report ("steady", "wait-join", …) and the changes not yet
    /// taken by the owner, as (CLOCK_MONOTONIC ns, new state).
    var joinState: String?
    var pendingJoinStates: [(UInt64, String)] = []
}

/// librdkafka's `stats_cb` (only when `statistics.interval.ms` is set): records changes of the consumer group's
/// join state, the one signal that shows a member learning of a rebalance under both eager and cooperative
/// protocols. Returns 0 so librdkafka frees the JSON.
func kbenchStatsCallback(_ rk: OpaquePointer?, _ json: UnsafeMutablePointer<CChar>?, _ len: Int, _ opaque: UnsafeMutableRawPointer?) -> Int32 {
    guard let json, let opaque else { return 0 }
    let context = Unmanaged<RebalanceContext>.fromOpaque(opaque).takeUnretainedValue()
    let text = UnsafeRawBufferPointer(start: json, count: len)
    guard let state = GroupStatistics.joinState(in: text), state != context.joinState else { return 0 }
    context.joinState = state
    context.pendingJoinStates.append((MonotonicClock.nanoseconds(), state))
    return 0
}

/// Reads the consumer group's `join_state` out of librdkafka's statistics JSON without parsing all of it.
/// Called from the statistics callback with librdkafka's buffer, which is only valid during the call.
enum GroupStatistics {
    /// The value of `"join_state"` (librdkafka writes `"join_state": "steady"`; spaces are skipped).
    static func joinState(in json: UnsafeRawBufferPointer) -> String? {
        let key = Array("\"join_state\"".utf8)
        guard json.count > key.count else { return nil }
        var i = 0
        outer: while i + key.count < json.count {
            for k in 0..<key.count where json[i + k] != key[k] { i += 1; continue outer }
            var start = i + key.count
            while start < json.count && (json[start] == UInt8(ascii: ":") || json[start] == UInt8(ascii: " ")) { start += 1 }
            guard start < json.count, json[start] == UInt8(ascii: "\"") else { return nil }
            start += 1
            var end = start
            while end < json.count && json[end] != UInt8(ascii: "\"") { end += 1 }
            return String(decoding: UnsafeRawBufferPointer(rebasing: json[start..<end]), as: UTF8.self)
        }
        return nil
    }
}

/// librdkafka's `rebalance_cb`. Applies the change with the call the negotiated protocol requires
/// (EAGER: `rd_kafka_assign`; COOPERATIVE: `rd_kafka_incremental_assign`/`_unassign`), then reports it.
func kbenchRebalanceCallback(
    _ rk: OpaquePointer?, _ err: rd_kafka_resp_err_t,
    _ partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?, _ opaque: UnsafeMutableRawPointer?
) {
    guard let rk, let opaque else { return }
    let context = Unmanaged<RebalanceContext>.fromOpaque(opaque).takeUnretainedValue()
    let proto: RebalanceProtocol = String(cString: rd_kafka_rebalance_protocol(rk)) == "COOPERATIVE" ? .cooperative : .eager
    let changed = PartitionList.read(partitions)
    var kind: AssignmentChange.Kind
    var failure: KafkaError?

    switch err {
    case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
        kind = .assigned
        if proto == .cooperative {
            if let e = rd_kafka_incremental_assign(rk, partitions) {
                failure = KafkaError.consume(e, "incremental assign")
            } else {
                context.assignment.formUnion(changed)
            }
        } else {
            let e = rd_kafka_assign(rk, partitions)
            if e != RD_KAFKA_RESP_ERR_NO_ERROR { failure = KafkaError.rd(e, "assign") } else { context.assignment = Set(changed) }
        }
    case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
        kind = rd_kafka_assignment_lost(rk) != 0 ? .lost : .revoked
        if proto == .cooperative {
            if let e = rd_kafka_incremental_unassign(rk, partitions) { failure = KafkaError.consume(e, "incremental unassign") }
            context.assignment.subtract(changed)
        } else {
            let e = rd_kafka_assign(rk, nil)
            if e != RD_KAFKA_RESP_ERR_NO_ERROR { failure = KafkaError.rd(e, "unassign") }
            context.assignment = []
        }
    default:
        kind = .revoked
        failure = KafkaError.rd(err, "rebalance failed")
        _ = rd_kafka_assign(rk, nil)
        context.assignment = []
    }
    if failure != nil { context.lastError = failure?.description }
    context.pending.append(
        AssignmentChange(
            kind: kind, atNs: MonotonicClock.nanoseconds(), partitions: changed, rebalanceProtocol: proto,
            assignment: context.assignment, error: failure))
}
