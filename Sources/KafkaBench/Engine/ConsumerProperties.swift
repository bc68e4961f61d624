/// The one place a consumer's librdkafka configuration is built, in a fixed order of precedence (later wins):
///
/// 1. kbench's consumer defaults (`defaults`), then the embedded broker's group timers (`embeddedGroupDefaults`)
///    when the cluster is the embedded one;
/// 2. what the mode needs (a rebalance run's group timers and `fetch.wait.max.ms`);
/// 3. the user's properties (`--config`, then `-X`), already merged into the cluster's base configuration,
///    with `bootstrap.servers`;
/// 4. what the commit mode requires (`enable.auto.commit`, `enable.auto.offset.store`);
/// 5. what kbench owns: `group.id`, the strategy (`partition.assignment.strategy`, or `group.protocol` and
///    `group.remote.assignor` for the consumer protocol), `enable.partition.eof`. Under the consumer protocol the
///    classic-only group timers (`classicOnlyKeys`) are left out: the broker owns them there, and librdkafka
///    refuses a consumer that sets them.
///
/// Workers apply the result as it is and report back what their client applied (`WorkerEvent.properties`,
/// which adds kbench's client defaults such as `log_level`); run metadata records that report.
public struct ConsumerProperties: Sendable, Equatable {
    /// Consumer properties kbench sets unless the user overrides them with -X or --config (chosen for librdkafka
    /// 2.0.2; measurements in Benchmarks/README.md). In 2.0.2 a consumer whose pre-fetch queue reaches
    /// `queued.min.messages` or `queued.max.messages.kbytes` stops fetching until its broker thread next wakes
    /// up: up to 1 s later when nothing else is going on (`fetch.queue.backoff.ms` only came in 2.2).
    /// (`topic.metadata.refresh.interval.ms` would wake it too, but its refreshes make a group leader that is
    /// waiting for the assignor's metadata rejoin: a 44 s extra rebalance on the embedded broker.)
    public static let defaults: [String: String] = [
        // A new group (every trial's) starts at the beginning of the seeded backlog.
        "auto.offset.reset": "earliest",
        // The broker answers an empty fetch only after this wait, so it bounds how late the end of a partition
        // (drain, kbench consume) and new data at low rates are seen; ≤ 100 empty fetches/s per consumer.
        "fetch.wait.max.ms": "10",
        // One fetch response (~8,000 events of 100 B) stays far below the queue limits, so a consumer that keeps
        // up never trips them; it still returns at least one whole batch per partition.
        "fetch.max.bytes": "1048576",
        // Caps the pre-fetch queue (whole consumer, not per partition, in 2.0.2) at ~20 MB of 100 B events, so a
        // worker's peak RSS stays well under 64 MB (the library's 100,000: ~70 MB). KafkaConsumer wakes a fetcher
        // that stopped at this limit once the queue is half empty (see wakeStalledFetcher).
        "queued.min.messages": "50000",
        // The same bound in bytes, for large events (16 MB of values).
        "queued.max.messages.kbytes": "16384",
    ]

    /// Group timers the embedded broker needs: sessions well above its fixed 3 s initial join, heartbeats often
    /// enough that a follow-up rebalance is seen within the barrier's settle time.
    public static let embeddedGroupDefaults: [String: String] = GroupTimers().properties

    /// Keys kbench sets itself; the user may not (`-X` or `--config`).
    public static let ownedKeys = ["group.id", "partition.assignment.strategy", "group.protocol", "group.remote.assignor", "bootstrap.servers"]

    /// Properties of the classic protocol that librdkafka refuses under `group.protocol=consumer` (2.10.0 on).
    public static let classicOnlyKeys = ["session.timeout.ms", "heartbeat.interval.ms", "partition.assignment.strategy", "group.protocol.type"]

    /// Refuses user properties kbench owns (`ownedKeys` plus `alsoOwned`), and classic-only properties when a
    /// strategy uses the consumer protocol, saying what to use instead.
    public static func checkUserProperties(_ user: [String: String], strategies: [Assignor], alsoOwned: [String] = []) throws(UsageError) {
        for key in ownedKeys + alsoOwned where user[key] != nil {
            throw UsageError(
                "-X \(key) is set by kbench itself (use --assignor, --group-protocol, --remote-assignor, --bootstrap; group ids are unique per trial)")
        }
        guard strategies.contains(where: { $0.groupProtocol == .consumer }) else { return }
        for key in classicOnlyKeys where user[key] != nil {
            throw UsageError(
                "-X \(key) does not apply under --group-protocol consumer: with KIP-848 the broker owns the session timeout and heartbeat "
                    + "interval (group.consumer.session.timeout.ms, group.consumer.heartbeat.interval.ms) and assigns the partitions (--remote-assignor)")
        }
    }

    /// Everything but the group: defaults, the mode's properties, the user's, and the commit mode's.
    public let base: [String: String]

    /// - Parameters:
    ///   - cluster: `bootstrap.servers` and the user's properties (`ClusterConnection.baseConfig`).
    ///   - embedded: whether the cluster is the embedded broker (adds its group timers under the user's).
    ///   - mode: what the run's mode needs, under the user's properties.
    ///   - commit: the commit mode, whose properties win over the user's.
    public init(cluster: KafkaConfig, embedded: Bool, mode: [String: String] = [:], commit: CommitMode) {
        var p = Self.defaults
        if embedded { p.merge(Self.embeddedGroupDefaults) { _, new in new } }
        p.merge(mode) { _, new in new }
        p.merge(cluster.properties) { _, user in user }
        p.merge(commit.properties) { _, required in required }
        p["enable.partition.eof"] = "true"
        base = p
    }

    /// The properties of one member of `group`, consuming with `assignor` (a classic assignor, or the consumer
    /// protocol without the classic-only keys).
    public func forGroup(_ group: String, assignor: Assignor) -> [String: String] {
        var p = base
        if assignor.groupProtocol == .consumer { for key in Self.classicOnlyKeys { p[key] = nil } }
        p["group.id"] = group
        p.merge(assignor.selectionProperties) { _, owned in owned }
        return p
    }

    /// The properties of a consumer that assigns partitions itself and never commits (`kbench consume`).
    public var withoutGroup: [String: String] { base }
}
