import CSupport
import Foundation

/// Progress of a sweep, for terminal displays.
public enum SweepProgress: Sendable {
    case seeding(topic: String, messages: Int)
    case seeded(topic: String, messages: Int, seconds: Double)
    case trialPhase(index: Int, total: Int, point: TrialPoint, phase: String)
    case trialDone(index: Int, total: Int, row: TrialRow, elapsedSeconds: Double, etaSeconds: Double)
    /// Something the user should know (topic reuse, cleanup).
    case note(String)
}

/// What a sweep produced.
public struct SweepOutcome: Sendable {
    public var rows: [TrialRow]
    public var csvPath: String
    public var metadataPath: String
    public var interrupted: Bool
    public var failedTrials: Int { rows.filter { $0.status != .ok }.count }
    public var lostTotal: Int { rows.reduce(0) { $0 + $1.lost } }
}

/// Runs a whole sweep: prepares and seeds topics once per partition count, runs every trial point, computes
/// the model and efficiency, and appends each row to the CSV as it finishes.
public final class SweepRunner {
    public let configuration: SweepConfiguration
    /// What the run shares with every mode (placement, metadata, clean-up); shared with a parent run when this
    /// sweep is one of its parts (capacity's r1 trial).
    public let context: RunContext
    public var cluster: ClusterConnection { context.cluster }
    public var runId: String { context.runId }
    public let csvPath: String
    private let results: ResultsFile
    /// What this sweep is within the run it is part of ("r1 trial"); nil for a sweep of its own.
    private let partLabel: String?
    /// Whether this runner made `context` (a sweep of its own), and so closes it when the sweep ends.
    private var ownsContext: Bool { partLabel == nil }

    /// Opens the output file at once, so an unwritable path is refused before anything runs.
    public convenience init(configuration: SweepConfiguration, cluster: ClusterConnection, csvPath: String, commandLine: String) throws {
        try configuration.validate()
        let context = try RunContext(kind: .sweep, plan: configuration.plan, cluster: cluster, commandLine: commandLine)
        try self.init(configuration: configuration, context: context, csvPath: csvPath, partLabel: nil)
    }

    /// A sweep that is part of another run (`label`: what it is there, "r1 trial"): it uses that run's `context`
    /// (its run id and placement) and leaves it open.
    public convenience init(configuration: SweepConfiguration, partOf context: RunContext, label: String, csvPath: String) throws {
        try configuration.validate()
        try self.init(configuration: configuration, context: context, csvPath: csvPath, partLabel: label)
    }

    private init(configuration: SweepConfiguration, context: RunContext, csvPath: String, partLabel: String?) throws {
        self.configuration = configuration
        self.context = context
        self.csvPath = csvPath
        self.partLabel = partLabel
        results = try ResultsFile(path: csvPath, agents: configuration.agents != nil)
    }

    /// Runs every trial. A failure before the first trial ends removes the (empty) CSV and metadata again.
    public func run(progress: @escaping (SweepProgress) -> Void = { _ in }) throws -> SweepOutcome {
        do {
            return try runTrials(progress: progress)
        } catch {
            if results.rowsWritten == 0 { results.discard() }
            throw error
        }
    }

    private func runTrials(progress: @escaping (SweepProgress) -> Void) throws -> SweepOutcome {
        let placement = try context.placement()
        defer { if ownsContext { context.close() } }
        let agentPlacement = context.agentPlacement
        let embedded = context.embedded
        let properties = ConsumerProperties(
            cluster: cluster.baseConfig, embedded: embedded, mode: configuration.consumerModeProperties, commit: configuration.commit)

        let metadataPath = results.metadataPath
        var meta = context.startMetadata(
            settings: settings(), trials: configuration.points.count, plannedProperties: properties.base, part: partLabel.map { (.sweep, $0) })
        // What every worker must report (WorkerGroup fails one that reports another).
        let clientVersion = context.clientVersion
        if agentPlacement != nil { meta.settings["placement_file"] = AgentAssignmentsFile.path(forCSV: csvPath) }
        if let hosted = cluster.hostedBroker {
            let note = EmbeddedBrokerTimers.firstRebalanceNote(hosted)
            meta.settings["embedded_first_rebalance"] = note
            progress(.note("embedded broker: a new group's first rebalance waits \(note)"))
        }
        try meta.write(to: metadataPath)

        let startNs = MonotonicClock.nanoseconds()
        let points = configuration.points
        var rows: [TrialRow] = []
        var r1ByGroup: [String: [Double]] = [:]
        var baselineFailure: [String: String] = [:]
        var interrupted = false
        var index = 0
        var groupsUsed: [String] = []
        defer {
            if configuration.cleanup && cluster.hostedBroker == nil {
                for note in context.cleanUp(topics: createdTopics, groups: groupsUsed) { progress(.note(note)) }
            }
        }

        partitionLoop: for p in configuration.partitions {
            let topics = configuration.topicNames(partitions: p)
            let (low, high) = try prepareTopics(topics, partitions: p, embedded: embedded, progress: progress)
            if !brokerQuirks.isEmpty {
                meta.settings["broker_quirks"] = brokerQuirks.joined(separator: " | ")
                try meta.write(to: metadataPath)
            }
            var engine = TrialEngine(placement: placement, runId: runId, joinTimeout: configuration.joinTimeout)
            for point in points where point.partitions == p {
                index += 1
                let i = index
                engine.onPhase = { phase in progress(.trialPhase(index: i, total: points.count, point: point, phase: phase)) }
                let trial = SweepTrial(
                    engine: engine, configuration: configuration, naming: context.naming, properties: properties,
                    topicNames: topics, lowWatermarks: low, highWatermarks: high)
                let result = trial.run(point)
                groupsUsed.append(trial.groupId(point))
                if let agentPlacement {
                    results.appendPlacement(runId: runId, point: point, status: result.ok ? "ok" : "failed", agentPlacement.takeAssignments())
                }
                if context.recordApplied(result.appliedProperties, from: "consumer c01 of the first trial that started", in: &meta) {
                    try meta.write(to: metadataPath)
                }
                if result.interrupted || kbench_stop_signal() != 0 { interrupted = true; break partitionLoop }
                let key = "\(p)/\(point.assignor.rawValue)"
                let k = configuration.baselineConsumers
                if point.consumers == k {
                    if result.ok {
                        r1ByGroup[key, default: []].append(Self.baselineRate(result, configuration: configuration))
                    } else {
                        baselineFailure[key] = baselineFailure[key] ?? result.reason
                    }
                }
                let r1 = Statistics.median(r1ByGroup[key] ?? [])
                let baselineCell =
                    !r1.isFinite
                    ? Baseline.missing(k, reason: baselineFailure[key] ?? "not run")
                    : (point.consumers == k && result.ok ? Baseline.isBaseline : Baseline.scaledFrom(k))
                let row = Self.row(
                    result, r1: r1, baseline: baselineCell, configuration: configuration, runId: runId,
                    broker: context.brokerLabel, librdkafka: clientVersion,
                    messages: configuration.messagesPerTopic(partitions: p))
                results.append(row)
                rows.append(row)
                let elapsed = Double(MonotonicClock.nanoseconds() - startNs) / 1e9
                let eta = elapsed / Double(index) * Double(points.count - index)
                progress(.trialDone(index: index, total: points.count, row: row, elapsedSeconds: elapsed, etaSeconds: eta))
                if configuration.failFast && row.status != .ok { break partitionLoop }
            }
            // On the embedded broker this run hosts, nothing reads these topics again: free their memory where the
            // library's mock can delete topics (librdkafka ≥ 2.15).
            if cluster.hostedBroker != nil, (try? cluster.deleteTopics(topics, timeoutMs: 5_000)) == true {
                progress(.note("deleted \(topics.joined(separator: ", ")) from the embedded broker (librdkafka \(LibrdkafkaRuntime.version)'s mock can)"))
            }
        }
        meta.failedTrials = rows.filter { $0.status != .ok }.count
        context.finish(
            &meta,
            status: interrupted
                ? "interrupted after \(rows.count) of \(points.count) trials" : (meta.failedTrials > 0 ? "completed with failures" : "completed"))
        try meta.write(to: metadataPath)
        return SweepOutcome(rows: rows, csvPath: csvPath, metadataPath: metadataPath, interrupted: interrupted)
    }

    private func settings() -> [String: String] {
        let c = configuration
        return [
            "partitions": c.partitions.map(String.init).joined(separator: ","),
            "consumers": c.consumers.map(String.init).joined(separator: ","),
            "assignors": c.assignors.map(\.rawValue).joined(separator: ","),
            "topics": String(c.topics), "work": c.work.description, "mode": c.mode.rawValue,
            "duration": c.duration.description, "warmup": c.warmup.description, "repeat": String(c.repeats),
            "commit": c.commit.description, "keys": String(c.keys), "key_distribution": c.keyDistribution.description,
            "value_bytes": String(c.valueBytes), "baseline": "C=\(c.baselineConsumers)",
            "messages_per_topic": c.partitions.map { "P=\($0): \(c.messagesPerTopic(partitions: $0))" }.joined(separator: ", "),
            "window_order": "each worker hands its queued messages to the work one partition at a time in turn",
        ]
    }

    /// Topics this run created (the only ones `--cleanup` may delete).
    public private(set) var createdTopics: [String] = []

    /// Creates (or checks) and seeds the topics for one partition count; returns their watermarks.
    /// An existing topic is reused only with the same partition count and either empty (it is seeded) or holding
    /// exactly the planned backlog (a previous identical run seeded it).
    private func prepareTopics(_ topics: [String], partitions: Int, embedded: Bool, progress: (SweepProgress) -> Void)
        throws -> ([TopicPartition: Int64], [TopicPartition: Int64])
    {
        let messages = configuration.messagesPerTopic(partitions: partitions)
        var low: [TopicPartition: Int64] = [:], high: [TopicPartition: Int64] = [:]
        let admin = try KafkaAdmin(config: cluster.baseConfig)
        func watermarks(_ topic: String) throws -> Int64 {
            var total: Int64 = 0
            for p in 0..<partitions {
                let tp = TopicPartition(topic, Int32(p))
                let w = try admin.watermarks(tp, timeoutMs: cluster.connectTimeoutMs)
                low[tp] = w.low
                high[tp] = w.high
                total += w.high - w.low
            }
            return total
        }
        for (i, topic) in topics.enumerated() {
            let plan = SeedPlan(
                topic: topic, partitions: partitions, messages: messages, keys: configuration.keys,
                distribution: configuration.keyDistribution, valueBytes: configuration.valueBytes,
                seed: 42 &+ UInt64(i))
            try plan.validate()
            let ids = plan.userIds()
            if embedded {
                try plan.checkEmbeddedRetention(partitionCounts: SeedPlan.partitionCounts(userIds: ids, partitions: partitions))
            }
            let outcome = try context.ensureTopic(
                topic, partitions: partitions, replicationFactor: configuration.replicationFactor, recreate: configuration.recreate)
            if outcome == .created { createdTopics.append(topic) }
            if outcome == .reused {
                let existing = try watermarks(topic)
                if existing == Int64(messages) {
                    progress(.note("reusing \(topic): it already holds the planned \(messages) messages"))
                    continue
                }
                if existing != 0 {
                    throw RunError(
                        "topic \(topic) already holds \(existing) messages (by the broker's end offsets, which some brokers, Tansu among them, "
                            + "report short) but this sweep needs exactly \(messages): "
                            + (embedded
                                ? "restart 'kbench broker' to empty it, or use another --topic-prefix"
                                : "pass --recreate to delete and recreate it, or use another --topic-prefix"))
                }
            }
            progress(.seeding(topic: topic, messages: messages))
            // Small producer batches so that consumers rotate through their partitions (see `seedBatchMessages`);
            // the user's own -X batch.num.messages still wins.
            let seedConfig = KafkaConfig(["batch.num.messages": String(configuration.seedBatchMessages)])
                .merging(cluster.baseConfig.properties)
            let seeded = try Seeder.run(plan: plan, config: seedConfig, userIds: ids)
            guard seeded.failed == 0, seeded.delivered == messages else {
                throw RunError(
                    "seeding \(topic) failed: \(seeded.delivered) of \(messages) delivered; first failure: \(seeded.firstFailure ?? "none reported")")
            }
            progress(.seeded(topic: topic, messages: messages, seconds: seeded.seconds))
            _ = try watermarks(topic)
            // The broker's end offsets must agree with what the seeder had acknowledged. Tansu's ListOffsets
            // answered about one producer batch short (3,751 for a partition holding offsets 0-3,768): kbench then
            // says so and uses the acknowledged counts, which it knows, for drain targets and the audit.
            var short: [String] = []
            for (p, delivered) in seeded.deliveredPerPartition.enumerated() {
                let tp = TopicPartition(topic, Int32(p))
                guard let lo = low[tp], let hi = high[tp], hi - lo != Int64(delivered) else { continue }
                short.append("\(tp): end offset \(hi), acknowledged \(Int64(delivered) + lo)")
                high[tp] = lo + Int64(delivered)
            }
            if !short.isEmpty {
                let quirk =
                    "the broker's ListOffsets end offsets disagree with the deliveries it acknowledged on \(short.count) of \(partitions) partitions "
                    + "(\(short.prefix(3).joined(separator: "; "))\(short.count > 3 ? "; …" : "")): kbench uses the acknowledged counts"
                brokerQuirks.append(quirk)
                progress(.note(quirk))
            }
        }
        return (low, high)
    }

    /// Where the broker's answers disagreed with what kbench knows (recorded in the metadata as `broker_quirks`).
    public private(set) var brokerQuirks: [String] = []

    /// r1, the single-consumer rate the model scales, from a trial at the sweep's smallest consumer count C: its
    /// throughput divided by what the model gives one consumer's rate at C (min(C, P·T) in window mode, the
    /// drain staircase P·T / ceil(P·T / C) in drain mode), so the model equals the measurement there.
    /// In drain mode the factor comes from the trial's real assignment and partition sizes when known.
    static func baselineRate(_ r: TrialResult, configuration: SweepConfiguration) -> Double {
        let slots = r.point.partitions * configuration.topics
        var factor = ScalingModel.model(configuration.mode, r1: 1, consumers: r.point.consumers, slots: slots)
        if configuration.mode == .drain, !r.backlogs.isEmpty {
            let real = ScalingModel.drain(r1: 1, backlogs: Array(r.backlogs.values))
            if real.isFinite { factor = real }
        }
        return factor > 0 ? r.msgsPerS / factor : 0
    }

    /// The CSV row of a trial, with the model and efficiency scaled from `r1` (NaN: no baseline succeeded, and the
    /// model columns stay empty).
    static func row(
        _ r: TrialResult, r1: Double, baseline: String, configuration: SweepConfiguration, runId: String, broker: String,
        librdkafka: String, messages: Int
    ) -> TrialRow {
        let slots = r.point.partitions * configuration.topics
        let modelWindow = ScalingModel.window(r1: r1, consumers: r.point.consumers, slots: slots)
        // The drain model from the partitions each consumer really held and their real sizes (skewed keys make
        // them uneven); the even-split staircase only when the trial never reached an assignment.
        let realDrain = r.backlogs.isEmpty ? Double.nan : ScalingModel.drain(r1: r1, backlogs: Array(r.backlogs.values))
        let modelDrain = realDrain.isFinite ? realDrain : ScalingModel.drain(r1: r1, consumers: r.point.consumers, slots: slots)
        let model = configuration.mode == .window ? modelWindow : modelDrain
        let rates = r.consumerRates.sorted()
        return TrialRow(
            runId: runId, timestamp: RunMetadata.utcTimestamp(), broker: broker, librdkafka: librdkafka,
            topics: configuration.topics, partitions: r.point.partitions, consumers: r.point.consumers,
            assignor: r.point.assignor.rawValue, work: configuration.work.description, mode: configuration.mode.rawValue,
            messages: messages, repeat: r.point.repeat, activeConsumers: r.activeConsumers.count,
            idleConsumers: r.idleConsumers.count, idleNames: r.idleConsumers.joined(separator: " "),
            minPartitionsPerConsumer: r.minPartitionsPerConsumer, maxPartitionsPerConsumer: r.maxPartitionsPerConsumer,
            joinMs: r.joinMs, goSkewMs: r.goSkewMs, teardownMs: r.teardownMs, seconds: r.seconds, msgsPerS: r.msgsPerS, mbPerS: r.mbPerS,
            consumerRateMin: rates.first ?? .nan, consumerRateMedian: Statistics.median(rates), consumerRateMax: rates.last ?? .nan,
            r1: r1, modelWindow: modelWindow, modelDrain: modelDrain, efficiency: model > 0 ? r.msgsPerS / model : .nan, baseline: baseline,
            consumed: r.consumed, duplicates: r.duplicates, lost: r.lost, workerCpuS: r.workerCpuSeconds, hostCpuPct: r.hostCpuPct,
            hostStealPct: r.hostStealPct,
            maxWorkerRssMib: r.maxWorkerRssMib, status: r.ok ? .ok : .failed, reason: r.reason)
    }
}
