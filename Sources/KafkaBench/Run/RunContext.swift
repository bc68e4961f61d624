import Foundation

/// What every mode's run shares once its cluster is reached: the run id, the placement of its consumers (this
/// host or agents), the metadata every results file carries, topic creation and the clean-up of what it created.
///
/// The modes (`SweepRunner`, `CapacityRunner`, `RebalanceRun`) keep only what is theirs — trial points, rate
/// searches, scripts — and ask the context for the rest, so placement, metadata and clean-up are decided in one
/// place. A sub-run (capacity's one-consumer r1 sweep) shares its parent's context, and with it the same placement.
///
/// Not thread-safe: the runner's thread owns it. `close()` releases the agents; call it when the run ends.
public final class RunContext {
    public let kind: RunKind
    public let runId: String
    public let cluster: ClusterConnection
    /// The command line recorded in the metadata (secrets masked), as `kbench …`.
    public let commandLine: String
    /// The cluster as the run found it (brokers, whether it is an embedded broker).
    public let clusterMetadata: ClusterMetadata
    private let plan: RunPlan
    private var madePlacement: (any WorkerPlacement)?
    private var consumerPropertiesReported = false

    /// Reads the cluster's metadata; the placement is made on first use (with agents, that waits for them).
    public init(kind: RunKind, plan: RunPlan, cluster: ClusterConnection, commandLine: String, runId: String = RunMetadata.newRunId()) throws {
        self.kind = kind
        self.plan = plan
        self.cluster = cluster
        self.commandLine = commandLine
        self.runId = runId
        clusterMetadata = try cluster.metadata()
    }

    /// The names of the run's groups and topics.
    public var naming: RunNaming { RunNaming(prefix: plan.topicPrefix, kind: kind, runId: runId) }

    /// Whether the broker is librdkafka's mock (hosted here or in `kbench broker`): its group timers are fixed and
    /// some admin requests are missing.
    public var embedded: Bool { clusterMetadata.isEmbeddedBroker }

    /// The broker column of every results row: `embedded`, or the bootstrap servers.
    public var brokerLabel: String { embedded ? "embedded" : cluster.bootstrap }

    /// Where the consumers run: local child processes, or agents (`--agents N`, after they announced themselves).
    public func placement() throws(RunError) -> any WorkerPlacement {
        if let madePlacement { return madePlacement }
        let made: any WorkerPlacement
        if let agents = plan.agents {
            made = try AgentPlacement(
                settings: agents, config: cluster.baseConfig, topics: ControlTopics(prefix: plan.topicPrefix), runId: runId,
                connectTimeoutMs: cluster.connectTimeoutMs, hostedBroker: cluster.hostedBroker,
                log: { FileHandle.standardError.write(Data("kbench: \($0)\n".utf8)) })
        } else {
            made = try LocalPlacement()
        }
        madePlacement = made
        return made
    }

    /// The agents, when the consumers run on agents and the placement has been made.
    public var agentPlacement: AgentPlacement? { madePlacement as? AgentPlacement }

    /// The librdkafka version every worker reports: the agents' when the consumers run there, else this process's.
    public var clientVersion: String { madePlacement?.expectedLibrdkafka ?? LibrdkafkaRuntime.version }

    /// Releases the agents, if any. Safe to call more than once.
    public func close() {
        agentPlacement?.close()
    }

    /// The metadata of a run that is starting: how to reproduce it, what it runs on and the mode's `settings`.
    /// `plannedProperties` are the consumer properties kbench will set, until a worker reports what it applied
    /// (`recordApplied`). A `part` of the run (capacity's r1 sweep) records its own kind and its label after the
    /// command line.
    public func startMetadata(
        settings: [String: String], trials: Int, plannedProperties: [String: String] = [:], part: (kind: RunKind, label: String)? = nil
    ) -> RunMetadata {
        var meta = RunMetadata(
            runId: runId, kind: (part?.kind ?? kind).rawValue, commandLine: commandLine + (part.map { " (\($0.label))" } ?? ""),
            started: RunMetadata.utcTimestamp(),
            brokerKind: clusterMetadata.brokerKind,
            bootstrap: cluster.hostedBroker != nil ? "embedded (hosted by the runner)" : cluster.bootstrap, cluster: clusterMetadata,
            host: RunMetadata.currentHost(), consumerProperties: KafkaConfig(plannedProperties).redacted,
            settings: settings.merging(plan.groupTimers.settings) { mode, _ in mode }, trials: trials, failedTrials: 0, status: "running")
        meta.consumerPropertiesSource = "planned (no worker has reported yet)"
        meta.librdkafkaVersion = clientVersion
        if let agentPlacement { meta.settings["placement"] = agentPlacement.description }
        return meta
    }

    /// Puts the properties the first reporting worker applied into `meta`, once per run; later reports are
    /// ignored. Returns whether `meta` changed (the caller then writes it). `source` says which worker of which
    /// trial reported ("consumer c01 of the first trial that started").
    public func recordApplied(_ applied: [String: String]?, from source: String, in meta: inout RunMetadata) -> Bool {
        guard !consumerPropertiesReported, let applied else { return false }
        consumerPropertiesReported = true
        meta.consumerProperties = RunMetadata.perTrialKeysMarked(applied)
        meta.consumerPropertiesSource = "applied, as reported by " + source
        return true
    }

    /// The metadata's end: when it finished, the cluster as it was then, and agents lost on the way.
    public func finish(_ meta: inout RunMetadata, status: String) {
        meta.finished = RunMetadata.utcTimestamp()
        meta.cluster = (try? cluster.metadata()) ?? meta.cluster
        if let lost = agentPlacement?.lostAgents, !lost.isEmpty { meta.settings["agents_lost"] = lost.joined(separator: ",") }
        meta.status = status
    }

    /// Makes sure `topic` exists with `partitions` partitions (see `ClusterConnection.ensureTopic`), bounded by
    /// the plan's `--create-timeout`. The caller keeps the topics it created: only those may be cleaned up.
    @discardableResult
    public func ensureTopic(_ topic: String, partitions: Int, replicationFactor: Int? = nil, recreate: Bool = false) throws(KafkaError)
        -> ClusterConnection.TopicOutcome
    {
        try cluster.ensureTopic(
            topic, partitions: partitions, replicationFactor: replicationFactor, recreate: recreate, createTimeoutMs: createTimeoutMs)
    }

    /// `--create-timeout` in milliseconds, for the admin calls.
    public var createTimeoutMs: Int32 { Int32(clamping: Int(plan.createTimeout.milliseconds)) }

    /// Deletes `topics` (which must be topics this run created) and the consumer `groups`, where the broker can,
    /// and says what it did or why not, one note per line of output. An embedded broker in another process
    /// (`kbench broker`) answers neither DeleteTopics nor DeleteGroups; the embedded broker this process hosts
    /// deletes topics on librdkafka ≥ 2.15 and forgets its groups when it stops.
    public func cleanUp(topics: [String], groups: [String]) -> [String] {
        if embedded && cluster.hostedBroker == nil {
            return [
                "--cleanup: an embedded broker in another process cannot delete topics or groups (the mock answers no DeleteTopics/DeleteGroups requests); "
                    + "\(topics.isEmpty ? "its topics" : topics.joined(separator: ", ")) go away when 'kbench broker' stops"
            ]
        }
        var notes: [String] = []
        do {
            if !topics.isEmpty {
                let deleted = try cluster.deleteTopics(topics, timeoutMs: createTimeoutMs)
                notes.append(
                    deleted
                        ? "--cleanup: deleted topic\(topics.count == 1 ? "" : "s") \(topics.joined(separator: ", "))"
                        : "--cleanup: this embedded broker cannot delete topics; \(topics.joined(separator: ", ")) go away when the broker stops")
            }
        } catch {
            return notes + ["--cleanup failed: \(error)"]
        }
        guard !embedded, !groups.isEmpty else { return notes }
        do {
            try KafkaAdmin(config: cluster.baseConfig).deleteGroups(groups, timeoutMs: createTimeoutMs)
            notes.append(groups.count == 1 ? "--cleanup: deleted group \(groups[0])" : "--cleanup: deleted \(groups.count) consumer groups")
        } catch {
            notes.append("--cleanup: could not delete the consumer groups: \(error)")
        }
        return notes
    }
}
