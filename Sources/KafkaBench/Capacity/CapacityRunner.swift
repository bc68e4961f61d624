import CSupport
import Foundation
import Histogram

/// Progress of a capacity run, for terminal displays.
public enum CapacityProgress: Sendable {
    case note(String)
    case trialPhase(consumers: Int, rate: Double, phase: String)
    case trialDone(CapacityRow, index: Int, elapsedSeconds: Double)
}

/// What a capacity run produced.
public struct CapacityOutcome: Sendable {
    public var rows: [CapacityRow]
    public var r1: Double
    public var r1Source: String
    /// Each consumer count's rate search (`--find-max-rate`), by consumer count.
    public var searches: [Int: RateSearch]
    public var files: CapacityPaths
    public var interrupted: Bool
    public var failedTrials: Int { rows.filter { $0.verdict == .failed }.count }
    public var invalidTrials: Int { rows.filter { $0.verdict == .invalid }.count }
}

/// Runs a capacity measurement: r1 from a closed-loop one-consumer sweep trial (unless given), then, for each
/// consumer count, one open-loop trial at `--rate` or a `RateSearch`. Each trial is a fresh topic and group on
/// the shared trial engine (`OpenLoopMode`); rows and lag series are appended as trials finish.
public final class CapacityRunner {
    public let configuration: CapacityConfiguration
    /// What the run shares with every mode (placement, metadata, clean-up), and with its r1 sweep.
    public let context: RunContext
    public var cluster: ClusterConnection { context.cluster }
    public var runId: String { context.runId }
    private let files: CapacityFiles

    /// Opens the output files at once, so an unwritable path is refused before anything runs.
    public init(configuration: CapacityConfiguration, cluster: ClusterConnection, csvPath: String, commandLine: String) throws {
        try configuration.validate()
        self.configuration = configuration
        context = try RunContext(kind: .capacity, plan: configuration.plan, cluster: cluster, commandLine: commandLine)
        files = try CapacityFiles(csvPath: csvPath)
    }

    public func run(progress: @escaping (CapacityProgress) -> Void = { _ in }) throws -> CapacityOutcome {
        do {
            return try runTrials(progress: progress)
        } catch {
            if !files.hasRows { files.discard() }
            throw error
        }
    }

    private func runTrials(progress: @escaping (CapacityProgress) -> Void) throws -> CapacityOutcome {
        let c = configuration
        let embedded = context.embedded
        if embedded && cluster.hostedBroker == nil {
            throw RunError(
                "kbench capacity creates a fresh topic for every trial, which an embedded broker hosted by another process cannot do "
                    + "(librdkafka 2.0.2's mock has no CreateTopics): run it without --bootstrap (it then hosts its own embedded broker) or against a real cluster"
            )
        }
        if embedded, let rate = c.rate, !c.findMaxRate { try c.checkEmbeddedRetention(rate: rate) }
        let ceiling = embedded ? c.embeddedRateLimit : .infinity

        // consumers on this host or on agents (the r1 sweep's too); the producers always run here
        let placement = try context.placement()
        defer { context.close() }
        let producerPlacement = try LocalPlacement()
        var meta = context.startMetadata(settings: settings(), trials: 0)
        try meta.write(to: files.metadataPath)

        // r1: given, or measured as the sweep measures it (a closed-loop window trial of one consumer)
        let r1: Double
        let r1Source: String
        if let given = c.r1 {
            r1 = given
            r1Source = "given (--r1)"
        } else {
            progress(.note("measuring r1: one consumer, closed loop (a sweep trial), results in \(files.r1Path)"))
            let runner = try SweepRunner(configuration: c.r1Sweep, partOf: context, label: "r1 trial", csvPath: files.r1Path)
            let outcome = try runner.run()
            if outcome.interrupted { throw TrialFailure.interruption }
            guard let row = outcome.rows.first, row.status == .ok, row.msgsPerS > 0 else {
                throw RunError("the one-consumer trial that measures r1 failed: \(outcome.rows.first?.reason ?? "no result") (see \(files.r1Path))")
            }
            r1 = row.msgsPerS
            r1Source = "measured: one consumer, closed loop, \(ResultPaths.name(files.r1Path)).csv"
        }
        progress(.note("r1 = \(CapacityModel.number(r1)) events/s (\(r1Source))"))
        meta.settings["r1"] = String(format: "%.1f", r1)
        meta.settings["r1_source"] = r1Source
        try meta.write(to: files.metadataPath)

        let startNs = MonotonicClock.nanoseconds()
        var rows: [CapacityRow] = []
        var interrupted = false
        var trialIndex = 0
        var searches: [Int: RateSearch] = [:]
        func trial(consumers: Int, rate: Double, step: Int, role: String) -> CapacityRow {
            trialIndex += 1
            let done = runTrial(
                consumers: consumers, rate: rate, step: step, role: role, r1: r1, embedded: embedded, placement: placement,
                producerPlacement: producerPlacement, progress: progress, meta: &meta)
            var row = done.row
            row.step = step
            row.timestamp = RunMetadata.utcTimestamp()
            files.append(row, series: done.series, trial: trialIndex)
            rows.append(row)
            progress(.trialDone(row, index: trialIndex, elapsedSeconds: Double(MonotonicClock.nanoseconds() - startNs) / 1e9))
            if done.interrupted || kbench_stop_signal() != 0 { interrupted = true }
            return row
        }
        consumerLoop: for n in c.consumers {
            if c.findMaxRate {
                var search = RateSearch(start: c.rate ?? CapacityModel.evenRate(r1: r1, consumers: n, partitions: c.partitions), ceiling: ceiling)
                var step = 0
                while let next = search.next {
                    step += 1
                    let row = trial(consumers: n, rate: next.rate, step: step, role: next.role)
                    if interrupted { break consumerLoop }
                    search.record(row.verdict)
                }
                progress(.note("C = \(n): \(search.conclusion ?? "search ended")"))
                searches[n] = search
            } else {
                _ = trial(consumers: n, rate: c.rate!, step: 1, role: "fixed")
                if interrupted { break consumerLoop }
            }
        }
        meta.trials = rows.count
        meta.failedTrials = rows.filter { $0.verdict == .failed }.count
        context.finish(
            &meta, status: interrupted ? "interrupted after \(rows.count) trials" : (meta.failedTrials > 0 ? "completed with failures" : "completed"))
        meta.settings["search_conclusions"] = searches.keys.sorted().map { "C=\($0): \(searches[$0]!.conclusion ?? "?")" }.joined(separator: "; ")
        try meta.write(to: files.metadataPath)
        return CapacityOutcome(rows: rows, r1: r1, r1Source: r1Source, searches: searches, files: files.paths, interrupted: interrupted)
    }

    /// One trial's row, its lag series (nil when the trial never ran traffic) and whether the user interrupted it.
    private struct TrialOutput {
        var row: CapacityRow
        var series: LagSeries? = nil
        var interrupted = false
    }

    private func runTrial(
        consumers n: Int, rate: Double, step: Int, role: String, r1: Double, embedded: Bool, placement: any WorkerPlacement,
        producerPlacement: LocalPlacement, progress: @escaping (CapacityProgress) -> Void, meta: inout RunMetadata
    ) -> TrialOutput {
        let c = configuration
        var row = CapacityRow()
        row.runId = runId
        row.broker = context.brokerLabel
        row.partitions = c.partitions
        row.consumers = n
        row.assignor = c.assignor.rawValue
        row.work = c.work.description
        row.producers = c.producers
        row.search = role
        row.durationS = c.duration.seconds
        row.warmupS = c.warmup.seconds
        row.targetRate = rate
        row.r1 = r1
        row.modelEven = CapacityModel.evenRate(r1: r1, consumers: n, partitions: c.partitions)
        row.maxLagS = c.maxLag.seconds
        func failed(_ reason: String, interrupted: Bool = false) -> TrialOutput {
            var r = row
            r.verdict = .failed
            r.reason = reason
            return TrialOutput(row: r, interrupted: interrupted)
        }
        if embedded {
            do { try c.checkEmbeddedRetention(rate: rate) } catch { return failed(error.message) }
        }
        let topic = context.naming.topic("c\(n)-s\(step)")
        let group = context.naming.group("capacity-c\(n)-s\(step)")
        do {
            try context.ensureTopic(topic, partitions: c.partitions)
        } catch {
            return failed("cannot create topic \(topic): \(error)")
        }
        defer { dropTopic(topic) }
        let properties = ConsumerProperties(cluster: cluster.baseConfig, embedded: embedded, mode: c.groupProperties, commit: c.commit)
            .forGroup(group, assignor: c.assignor)
        let specs = (1...n).map {
            WorkerSpec(name: WorkerGroup.consumerName($0), topics: [topic], properties: properties, work: c.work, commit: c.commit, mode: .capacity)
        }
        let plans = (0..<c.producers).map {
            ProductionPlan(
                topic: topic, rate: rate, producers: c.producers, index: $0, keys: c.keys, valueBytes: c.valueBytes,
                durationNs: c.duration.nanoseconds, properties: cluster.baseConfig.properties)
        }
        var mode = OpenLoopMode(plans: plans, placement: producerPlacement, warmupNs: c.warmup.nanoseconds)
        mode.onProgress = { progress(.trialPhase(consumers: n, rate: rate, phase: $0)) }
        var engine = TrialEngine(placement: placement, runId: runId, joinTimeout: c.joinTimeout)
        engine.onPhase = { progress(.trialPhase(consumers: n, rate: rate, phase: $0)) }
        let partitions = Set((0..<c.partitions).map { TopicPartition(topic, Int32($0)) })
        let outcome = engine.run(specs, covering: partitions, mode: &mode)
        row.joinMs = outcome.joinMs
        if context.recordApplied(outcome.members.first?.appliedProperties, from: "consumer c01 of the first trial that started", in: &meta) {
            try? meta.write(to: files.metadataPath)
        }
        let maxHeld = outcome.assignmentAtGo.values.map(\.count).max() ?? 0
        row.maxPartitionsPerConsumer = maxHeld
        row.modelAssignment = CapacityModel.assignmentRate(r1: r1, partitions: c.partitions, maxPartitions: maxHeld)
        let recording: OpenLoopRecording
        switch outcome.result {
        case .failure(let f): return failed(f.reason, interrupted: f.interrupted)
        case .success(let r): recording = r
        }
        // every consumer's final result carries its audit and latency: without one, neither could be checked
        let silent = outcome.members.filter { $0.final == nil }
        if !silent.isEmpty {
            let why = silent.map { m in
                let tail = m.process.stderrTail.split(separator: "\n").last.map(String.init) ?? m.lastError ?? ""
                return "\(m.name) \(m.process.exitDescription ?? "still running")" + (tail.isEmpty ? "" : " (\(tail.prefix(200)))")
            }
            return failed(
                "consumer(s) sent no final result after \"stop\", so their audit and latency are missing: " + why.joined(separator: "; "))
        }
        let series = LagSeries(
            startNs: recording.startNs, durationNs: c.duration.nanoseconds, partitionCount: c.partitions,
            checkpoints: recording.checkpoints, positions: recording.positions)
        let verdict = CapacityVerdict.judge(series, rate: rate, maxLagSeconds: c.maxLag.seconds, warmupSeconds: c.warmup.seconds)
        row.lagGrowth = verdict.growthPerSecond
        row.worstPartition = verdict.worstPartition
        row.worstPartitionGrowth = verdict.worstPartitionGrowth
        row.lagMessagesEnd = verdict.lagMessagesEnd
        row.lagMessagesMax = verdict.lagMessagesMax
        row.lagSecondsP50 = verdict.lagSecondsP50
        row.lagSecondsP99 = verdict.lagSecondsP99
        row.lagSecondsMax = verdict.lagSecondsMax
        row.crossesBoundAt = verdict.crossesBoundAt
        row.crossingProjected = verdict.crossingProjected
        (row.hostCpuPct, row.hostStealPct) = HostCPU.usage(from: recording.hostAtStart, to: recording.hostAtEnd)
        let produced = recording.totalProduction
        row.achievedRate = Double(produced.delivered) / c.duration.seconds
        row.producerMaxLateMs = produced.maxLateMs
        row.producerLateEvents = produced.lateEvents
        row.deliveryFailures = produced.failed
        if let atWarmup = series.group.last(where: { $0.t <= c.warmup.seconds + 1e-9 }), let last = series.group.last, last.t > atWarmup.t {
            row.consumedRate = Double(last.consumed - atWarmup.consumed) / (last.t - atWarmup.t)
        }
        var latency: Histogram<UInt64>?
        for m in outcome.members {
            guard let h = m.final?.latencyMicros else { continue }
            if latency == nil { latency = h } else { latency!.add(h) }
        }
        if let latency, latency.totalCount > 0 {
            row.latencyP50Ms = Double(latency.valueAtPercentile(50)) / 1000
            row.latencyP99Ms = Double(latency.valueAtPercentile(99)) / 1000
            row.latencyMaxMs = Double(latency.max) / 1000
        }
        let audits = outcome.members.flatMap { m in (m.final?.audits ?? []).map { (consumer: m.name, report: $0) } }
        let lows = Dictionary(uniqueKeysWithValues: partitions.map { ($0, Int64(0)) })
        let v = Verification.verify(audits: audits, lowWatermarks: lows)
        row.lost = v.lost
        row.duplicates = v.duplicates

        let planned = Double(plans.reduce(0) { $0 + $1.plannedEvents })
        let share = CapacityConfiguration.producerShare
        if v.lost > 0 || v.duplicates > 0 {
            row.verdict = .failed
            row.reason =
                "lost \(v.lost), duplicates \(v.duplicates)"
                + (v.lostRanges.isEmpty
                    ? ""
                    : " (lost: "
                        + v.lostRanges.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value.map(\.description).joined(separator: " "))" }.joined(
                            separator: "; ") + ")")
        } else if recording.rebalances > 0 {
            row.verdict = .failed
            row.reason = "the group rebalanced during the run (\(recording.rebalances) assignment change(s) after go)"
        } else if produced.failed > 0 || produced.firstFailure != nil || !produced.done || Double(produced.sent) < share * planned
            || Double(produced.lateEvents) > (1 - share) * planned
        {
            row.verdict = .invalid
            var why: [String] = []
            if Double(produced.sent) < share * planned {
                why.append(
                    "sent \(produced.sent) of \(Int(planned)) scheduled events (\(String(format: "%.1f", 100 * Double(produced.sent) / max(1, planned)))%)")
            }
            if Double(produced.lateEvents) > (1 - share) * planned {
                why.append("\(produced.lateEvents) events sent more than 100 ms late (max \(Int(produced.maxLateMs)) ms)")
            }
            if produced.failed > 0 {
                why.append("\(produced.failed) delivery failures: \(produced.firstFailure ?? "?")")
            } else if let failure = produced.firstFailure {
                why.append("not every event was delivered: \(failure)")
            }
            if !produced.done { why.append("a producer never finished") }
            row.reason = "the producers fell behind their schedule (a harness limit, not a consumer result): " + why.joined(separator: "; ")
        } else {
            row.verdict = verdict.kind
            row.reason = verdict.reason
        }
        if !recording.notes.isEmpty { row.reason += " [" + recording.notes.joined(separator: "; ") + "]" }
        if row.measuresHost {
            row.reason +=
                " [\(CapacityReport.hostFlag(row)): the host's CPU was saturated or stolen while the traffic ran, so this verdict may measure the "
                + "host, not the group; \(HostCPU.stolenAdvice)]"
        }
        return TrialOutput(row: row, series: series)
    }

    /// Deletes a trial's topic where the broker can (a real cluster; the embedded broker this process hosts on
    /// librdkafka ≥ 2.15); elsewhere it goes when the embedded broker stops.
    private func dropTopic(_ topic: String) {
        _ = try? cluster.deleteTopics([topic], timeoutMs: context.createTimeoutMs)
    }

    private func settings() -> [String: String] {
        let c = configuration
        return [
            "partitions": String(c.partitions), "consumers": c.consumers.map(String.init).joined(separator: ","),
            "rate": c.rate.map { String(format: "%g", $0) } ?? "(searched)", "max_lag": c.maxLag.description,
            "duration": c.duration.description, "warmup": c.warmup.description, "assignor": c.assignor.rawValue,
            "work": c.work.description, "commit": c.commit.description, "producers": String(c.producers), "keys": String(c.keys),
            "value_bytes": String(c.valueBytes), "find_max_rate": String(c.findMaxRate),
            "growth_tolerance": "1% of the target rate", "producer_validity": "≥ 99% of the schedule sent, ≤ 1% of events > 100 ms late, no delivery failure",
            "producer_properties": KafkaConfig(ProducerWorker.producerDefaults(rate: c.rate ?? 0)).merging(cluster.baseConfig.properties).redacted
                .sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                + (c.userProperties["linger.ms"] == nil
                    ? " (linger.ms is 1 below \(Int(ProducerWorker.fastRate)) events/s and 5 at or above; per trial rate)" : "")
                ,
        ]
    }
}
