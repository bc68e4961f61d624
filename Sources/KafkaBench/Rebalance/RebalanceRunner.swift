import CSupport
import Foundation

/// Runs a rebalance scenario once per assignor on the trial engine: the group forms and passes the barrier,
/// then `LiveTrafficMode` runs the producer and the script's joins, leaves, kills, restarts and broker faults,
/// recording everything `RebalanceAnalysis` needs. `RebalanceRun` drives it over every assignor and writes the files.
public final class RebalanceRunner {
    public let configuration: RebalanceConfiguration
    /// What the run shares with every mode: run id, placement (this host or agents), clean-up.
    public let context: RunContext
    public var cluster: ClusterConnection { context.cluster }
    public var runId: String { context.runId }
    /// Consumers on this host, or on agents (`--agents N`).
    private let placement: any WorkerPlacement

    /// A runner with a context of its own (for tests and library callers); `close()` releases it.
    public convenience init(configuration: RebalanceConfiguration, cluster: ClusterConnection, runId: String) throws {
        try self.init(
            configuration: configuration,
            context: RunContext(kind: .rebalance, plan: configuration.plan, cluster: cluster, commandLine: RunMetadata.invokedCommandLine, runId: runId))
    }

    /// Validates the configuration and makes the context's placement (with agents: waits for them).
    public init(configuration: RebalanceConfiguration, context: RunContext) throws {
        try configuration.validate()
        self.configuration = configuration
        self.context = context
        placement = try context.placement()
    }

    /// The librdkafka version every worker of the run reports (the runner's, or the agents').
    public var clientVersion: String { context.clientVersion }

    /// Releases the agents, if the consumers ran on agents.
    public func close() { context.close() }

    /// The live producer's properties for broker faults on the embedded cluster: one produce request in flight
    /// per broker. librdkafka 2.0.2's mock answers a Fetch with at most one producer batch per partition, so with
    /// the default five requests in flight and an added round-trip time, consumers could read only one of up to
    /// five batches per round trip and fell behind without bound (a mock artifact: a real broker returns every
    /// batch up to the fetch size). One request in flight makes each batch hold a whole round trip's messages.
    public static let embeddedFaultProducerProperties = ["max.in.flight.requests.per.connection": "1"]

    /// Told about progress ("range: join@5s → c04", …).
    public var onProgress: (String) -> Void = { _ in }

    /// The librdkafka properties the first worker of the last run reported it applied (secrets masked).
    public private(set) var appliedProperties: [String: String]?

    /// Runs one assignor's scenario. Throws `RunError` on setup failures and `TrialFailure` when the group does
    /// not form or the run is interrupted; problems during the run become notes of the recording.
    public func run(assignor: Assignor, embedded: Bool) throws -> RebalanceRecording {
        let c = configuration
        if assignor.groupProtocol == .classic { try c.checkStaticMembership(embedded: embedded) }
        let topic = context.naming.topic(assignor.rawValue, perRun: cluster.hostedBroker == nil)
        try c.checkFaults(embeddedBrokers: cluster.hostedBroker?.brokerCount)
        if assignor.groupProtocol == .consumer, let hosted = cluster.hostedBroker {
            // the consumer protocol's timers are the broker's: the run's --session-timeout and --heartbeat-interval
            hosted.setConsumerGroupTimers(
                sessionTimeoutMs: Int(c.sessionTimeout.milliseconds), heartbeatIntervalMs: Int(c.heartbeatInterval.milliseconds))
        }
        let created = try context.ensureTopic(topic, partitions: c.partitions) == .created
        let group = context.naming.group("rebalance-\(assignor.rawValue)")
        defer {
            if c.cleanup { for note in context.cleanUp(topics: created ? [topic] : [], groups: [group]) { onProgress(note) } }
        }
        let admin = try KafkaAdmin(config: cluster.baseConfig)
        var lows: [Int64] = []
        for p in 0..<c.partitions { lows.append(try admin.watermarks(TopicPartition(topic, Int32(p))).low) }

        let properties = ConsumerProperties(cluster: cluster.baseConfig, embedded: embedded, mode: c.groupProperties, commit: c.commit)
            .forGroup(group, assignor: assignor)
        let specFor = { (name: String) -> WorkerSpec in
            var props = properties
            if c.staticMembership { props["group.instance.id"] = self.context.naming.member(name) }
            var spec = WorkerSpec(name: name, topics: [topic], properties: props, work: c.work, commit: c.commit, mode: .live)
            // The gate works around a classic-protocol defect (#4059, fixed in 2.10.0, before the consumer protocol
            // was production-ready in 2.12.0): under the consumer protocol the client's own behaviour is measured.
            spec.commitGate = c.commitGate && assignor.groupProtocol == .classic
            return spec
        }
        var recording = RebalanceRecording(assignor: assignor, partitions: c.partitions, startNs: 0, endNs: 0)
        recording.lowWatermarks = lows
        var faults: BrokerFaultInjector?
        if let broker = cluster.hostedBroker {
            // the mock picks each partition's leader at random: spread leadership evenly and reproducibly instead
            // (partition p led by broker p mod N + 1), then read it back from metadata
            for p in 0..<c.partitions where broker.brokerCount > 1 {
                try broker.setPartitionLeader(topic, partition: Int32(p), leader: Int32(p % broker.brokerCount + 1))
            }
            recording.leadersAtStart = try admin.partitionLeaders(topic: topic)
            if c.script.steps.contains(where: \.action.isBrokerFault) {
                faults = BrokerFaultInjector(broker: broker, topic: topic, group: group, leaders: recording.leadersAtStart)
                // the mock places a coordinator by a hash of the group id, which holds the run id: pin it on a broker
                // the script does not take down, so a fault on a broker hits the coordinator only when asked to
                let coordinator = c.script.coordinatorPlacement(brokers: broker.brokerCount)
                try broker.setGroupCoordinator(group, broker: coordinator.broker)
                onProgress(
                    "\(assignor.rawValue): group coordinator on broker \(coordinator.broker)"
                        + (coordinator.takenDown ? " (the script takes down every broker, this one too)" : " (the script does not take it down)"))
            }
        }
        // the next assignor's run starts on a healthy cluster
        defer { if faults != nil { try? cluster.hostedBroker?.clearFaults() } }
        var mode = LiveTrafficMode(
            configuration: c, topic: topic, baseConfig: cluster.baseConfig, admin: admin,
            recording: recording, specFor: specFor)
        mode.faults = faults
        if faults != nil { mode.producerProperties = Self.embeddedFaultProducerProperties }
        mode.commands = try c.script.commands(c.onEvent)
        mode.onProgress = { [onProgress] in onProgress("\(assignor.rawValue): \($0)") }
        var engine = TrialEngine(placement: placement, runId: runId, joinTimeout: c.joinTimeout)
        engine.onPhase = { [onProgress] phase in if phase == "joining group" { onProgress("\(assignor.rawValue): \(c.consumers) consumers joining") } }
        let specs = (1...c.consumers).map { specFor(WorkerGroup.consumerName($0)) }
        let partitions = Set((0..<c.partitions).map { TopicPartition(topic, Int32($0)) })
        let outcome = engine.run(specs, covering: partitions, mode: &mode)
        appliedProperties = outcome.members.first?.appliedProperties
        switch outcome.result {
        case .success(let recorded): return recorded
        case .failure(let failure): throw failure
        }
    }
}
