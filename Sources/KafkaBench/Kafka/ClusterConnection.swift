/// Where kbench's clients connect: an embedded broker hosted by this process, or a cluster reached through a
/// bootstrap address (a real cluster, or a `kbench broker` running elsewhere). Both paths share all code
/// below topic creation.
///
/// Sendable: immutable after `init`.
public final class ClusterConnection: Sendable {
    /// The embedded broker when this process hosts it.
    public let hostedBroker: EmbeddedBroker?
    /// `bootstrap.servers` plus every user property: the base of every client this run creates.
    public let baseConfig: KafkaConfig
    /// Bound for connecting and metadata requests.
    public let connectTimeoutMs: Int32

    /// The bootstrap servers every client uses ("" only if the configuration lacks them).
    public var bootstrap: String { baseConfig["bootstrap.servers"] ?? "" }

    /// Connects to `bootstrap` with the user's properties.
    public init(bootstrap: String, properties: [String: String] = [:], connectTimeoutMs: Int32 = 10_000) {
        hostedBroker = nil
        baseConfig = KafkaConfig(properties).merging(["bootstrap.servers": bootstrap])
        self.connectTimeoutMs = connectTimeoutMs
    }

    /// Starts an embedded broker in this process and connects to it.
    public init(embeddedBrokers: Int, properties: [String: String] = [:], connectTimeoutMs: Int32 = 10_000) throws(KafkaError) {
        let broker = try EmbeddedBroker(brokers: embeddedBrokers)
        hostedBroker = broker
        baseConfig = KafkaConfig(properties).merging(["bootstrap.servers": broker.bootstrapServers])
        self.connectTimeoutMs = connectTimeoutMs
    }

    /// Cluster facts; fails within `connectTimeoutMs` when the cluster is unreachable.
    public func metadata() throws(KafkaError) -> ClusterMetadata {
        try KafkaAdmin(config: baseConfig).metadata(timeoutMs: connectTimeoutMs)
    }

    /// What `ensureTopic` did.
    /// `created`: kbench made it (and may delete it with `--cleanup`); `reused`: it existed with the right count.
    public enum TopicOutcome: String, Sendable, Codable { case created, reused }

    /// Makes sure `name` exists with exactly `partitions` partitions: reuses a matching topic, creates a
    /// missing one (hosted embedded broker: directly; real cluster: through the admin API), and refuses a topic
    /// with another partition count or a missing topic on an embedded broker hosted elsewhere.
    /// - Parameter recreate: delete an existing topic first (real clusters only; callers pass it only for
    ///   topics named with kbench's prefix, so kbench never deletes a topic it did not create).
    @discardableResult
    public func ensureTopic(
        _ name: String, partitions: Int, replicationFactor: Int? = nil, recreate: Bool = false,
        createTimeoutMs: Int32 = 30_000
    ) throws(KafkaError) -> TopicOutcome {
        guard partitions > 0 else {
            throw .usage("cannot use topic \(name) with \(partitions) partitions: a topic needs at least 1")
        }
        var md = try metadata()
        if let existing = md.topics[name], existing.error == nil {
            if recreate {
                guard !md.isEmbeddedBroker else {
                    throw .usage("--recreate cannot delete \(name): librdkafka 2.0.2's embedded broker has no DeleteTopics; restart 'kbench broker' instead")
                }
                try KafkaAdmin(config: baseConfig).deleteTopics([name], timeoutMs: createTimeoutMs)
                try waitForTopicGone(name, timeoutMs: createTimeoutMs)
                md = try metadata()
            } else {
                guard existing.partitions == partitions else {
                    throw .usage(
                        "topic \(name) already exists with \(existing.partitions) partitions, but \(partitions) were asked for; "
                            + "kbench never reuses a topic with another partition count: choose another topic name (or --topic-prefix), "
                            + "ask for \(existing.partitions) partitions, or pass --recreate to delete and recreate it")
                }
                return .reused
            }
        }
        if let hostedBroker {
            try hostedBroker.createTopic(name, partitions: partitions)
        } else if md.isEmbeddedBroker {
            throw .usage(
                "topic \(name) does not exist on the embedded broker at \(bootstrap), and librdkafka 2.0.2's embedded broker "
                    + "cannot create topics over the network; create it where the broker runs: kbench broker --topic \(name):\(partitions)")
        } else {
            let rf = replicationFactor ?? min(3, max(1, md.brokers.count))
            do {
                try KafkaAdmin(config: baseConfig).createTopic(name, partitions: partitions, replicationFactor: rf, timeoutMs: createTimeoutMs)
            } catch {
                throw KafkaError(
                    code: error.code, message: error.message + (error.code == -185 /* _TIMED_OUT */ ? "; raise the bound with --create-timeout" : ""))
            }
        }
        try waitForTopic(name, partitions: partitions, timeoutMs: createTimeoutMs)
        return .created
    }

    /// Deletes topics a run created: through the embedded broker this process hosts where its library can
    /// (librdkafka ≥ 2.15), through the admin API on a real cluster. Returns false where the broker cannot
    /// delete topics (an older mock, or a mock hosted by another process: it answers no DeleteTopics request).
    @discardableResult
    public func deleteTopics(_ names: [String], timeoutMs: Int32) throws(KafkaError) -> Bool {
        guard !names.isEmpty else { return true }
        if let hostedBroker {
            for name in names { guard try hostedBroker.deleteTopic(name) else { return false } }
            return true
        }
        if try metadata().isEmbeddedBroker { return false }
        try KafkaAdmin(config: baseConfig).deleteTopics(names, timeoutMs: timeoutMs)
        return true
    }

    /// Waits, polling metadata every 200 ms, until `name` is no longer listed (deletion propagates asynchronously);
    /// throws after `timeoutMs`.
    private func waitForTopicGone(_ name: String, timeoutMs: Int32) throws(KafkaError) {
        let deadline = MonotonicClock.nanoseconds() + UInt64(timeoutMs) * 1_000_000
        while try metadata().topics[name] != nil {
            if MonotonicClock.nanoseconds() > deadline {
                throw .usage("topic \(name) was deleted but metadata still showed it after \(timeoutMs) ms (--create-timeout)")
            }
            Sleep.milliseconds(200)
        }
    }

    /// Waits until metadata shows `name` with `partitions` partitions (topic creation propagates asynchronously).
    private func waitForTopic(_ name: String, partitions: Int, timeoutMs: Int32) throws(KafkaError) {
        let deadline = MonotonicClock.nanoseconds() + UInt64(timeoutMs) * 1_000_000
        while true {
            let md = try metadata()
            if let t = md.topics[name], t.error == nil, t.partitions == partitions { return }
            if MonotonicClock.nanoseconds() > deadline {
                throw .usage(
                    "topic \(name) was created but metadata did not show its \(partitions) partitions within \(timeoutMs) ms; raise the bound with --create-timeout"
                )
            }
            Sleep.milliseconds(100)
        }
    }
}
