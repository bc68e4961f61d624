/// One sweep trial on the trial engine: C workers join one fresh group, pass the barrier, measure in window or
/// drain mode, and their finals become a `TrialResult` checked by the audit.
/// Used on the runner's thread, one trial at a time; each trial gets a fresh group id, so no offsets carry over.
public struct SweepTrial {
    /// Starts the workers, waits for the stable group and ends them; its run id names the groups.
    public var engine: TrialEngine
    /// The sweep's settings: mode, window, work, commit mode and trial timeout.
    public var configuration: SweepConfiguration
    /// The consumers' librdkafka properties before the group and assignor are filled in.
    public var properties: ConsumerProperties
    /// The topics of this partition count, seeded before the trial.
    public var topicNames: [String]
    /// Every partition's offsets before the trial: the audit checks from the low watermark, and (drain mode) up to the
    /// high one; the backlog per consumer is their difference.
    public var lowWatermarks: [TopicPartition: Int64]
    /// The run's names (its groups are `naming.group(…)`).
    public var naming: RunNaming
    public var highWatermarks: [TopicPartition: Int64]

    /// Made per trial point by the sweep runner, with the topics and watermarks of the point's partition count.
    public init(
        engine: TrialEngine, configuration: SweepConfiguration, naming: RunNaming, properties: ConsumerProperties,
        topicNames: [String], lowWatermarks: [TopicPartition: Int64], highWatermarks: [TopicPartition: Int64]
    ) {
        self.engine = engine; self.configuration = configuration; self.naming = naming; self.properties = properties
        self.topicNames = topicNames; self.lowWatermarks = lowWatermarks; self.highWatermarks = highWatermarks
    }

    /// The trial's consumer group: unique per run and trial.
    public func groupId(_ point: TrialPoint) -> String {
        naming.group("p\(point.partitions)-c\(point.consumers)-\(point.assignor.rawValue)-r\(point.repeat)")
    }

    /// The spec of every worker of `point`'s trial.
    public func specs(_ point: TrialPoint) -> [WorkerSpec] {
        let props = properties.forGroup(groupId(point), assignor: point.assignor)
        let loopMode: ConsumerLoopMode = configuration.mode == .window ? .window : .drain
        return (1...point.consumers).map {
            WorkerSpec(
                name: WorkerGroup.consumerName($0), topics: topicNames, properties: props,
                work: configuration.work, commit: configuration.commit, mode: loopMode)
        }
    }

    /// Runs one trial in the configured mode and returns its result; a failure is a result with a `reason`, never a
    /// throw, so the sweep records it and goes on.
    public func run(_ point: TrialPoint) -> TrialResult {
        var result = TrialResult(point: point)
        let specs = specs(point)
        let outcome: TrialEngine.Outcome<[WorkerFinal]>
        switch configuration.mode {
        case .window:
            var mode = WindowMode(warmup: configuration.warmup, duration: configuration.duration)
            outcome = engine.run(specs, covering: Set(lowWatermarks.keys), mode: &mode)
            result.hostCpuPct = mode.hostCpuPct
            result.hostStealPct = mode.hostStealPct
        case .drain:
            var mode = DrainMode(timeout: configuration.trialTimeout)
            outcome = engine.run(specs, covering: Set(lowWatermarks.keys), mode: &mode)
            result.hostCpuPct = mode.hostCpuPct
            result.hostStealPct = mode.hostStealPct
        }
        result.joinMs = outcome.joinMs
        result.teardownMs = outcome.teardownMs
        result.assignment = outcome.assignmentAtGo
        result.backlogs = outcome.assignmentAtGo.mapValues { partitions in
            partitions.reduce(0) { $0 + Int((highWatermarks[$1] ?? 0) - (lowWatermarks[$1] ?? 0)) }
        }
        result.appliedProperties = outcome.members.first?.appliedProperties
        let finals: [WorkerFinal]
        switch outcome.result {
        case .failure(let failure):
            result.reason = failure.reason
            result.interrupted = failure.interrupted
            return result
        case .success(let f):
            finals = f
        }
        let names = specs.map(\.name)
        measure(finals, names: names, into: &result)
        return result
    }

    /// Rates, resources and the audit's verdict from the workers' finals.
    func measure(_ finals: [WorkerFinal], names: [String], into result: inout TrialResult) {
        result.consumed = finals.reduce(0) { $0 + $1.consumed }
        result.workerCpuSeconds = finals.reduce(0) { $0 + $1.cpuSeconds }
        result.maxWorkerRssMib = finals.compactMap(\.peakRssMib).max() ?? .nan
        let active = names.indices.filter { !(result.assignment[names[$0]] ?? []).isEmpty }
        switch configuration.mode {
        case .window:
            let seconds = configuration.duration.seconds
            result.seconds = seconds
            result.msgsPerS = Double(finals.reduce(0) { $0 + $1.windowMessages }) / seconds
            result.mbPerS = Double(finals.reduce(0) { $0 + $1.windowBytes }) / seconds / 1e6
            result.consumerRates = active.map { Double(finals[$0].windowMessages) / seconds }
        case .drain:
            let firstGo = finals.map(\.goNs).min() ?? 0
            let lastDone = finals.compactMap(\.doneNs).max() ?? firstGo
            let seconds = max(1e-6, Double(lastDone - firstGo) / 1e9)
            result.seconds = seconds
            result.msgsPerS = Double(result.consumed) / seconds
            result.mbPerS = Double(finals.reduce(0) { $0 + $1.bytes }) / seconds / 1e6
            result.consumerRates = active.map { i in
                let f = finals[i]
                let s = max(1e-6, Double((f.doneNs ?? f.goNs) - f.goNs) / 1e9)
                return Double(f.consumed) / s
            }
        }
        let audits = names.indices.flatMap { i in finals[i].audits.map { (consumer: names[i], report: $0) } }
        let verification = Verification.verify(
            audits: audits, lowWatermarks: lowWatermarks,
            highWatermarks: configuration.mode == .drain ? highWatermarks : nil)
        result.lost = verification.lost
        result.duplicates = verification.duplicates
        var problems = verification.problems
        // Every message a worker counted must be in the audit: an audit that recorded less proves nothing.
        if verification.consumed != result.consumed {
            problems.append("the audit recorded \(verification.consumed) of the \(result.consumed) messages consumed")
        }
        if let ranges = verification.lostRanges.sorted(by: { $0.key < $1.key }).first {
            problems.append("lost offsets include \(ranges.key) \(ranges.value.prefix(3).map(\.description).joined(separator: ", "))")
        }
        let drained = Set(finals.flatMap(\.drainedInWindow)).sorted()
        if !drained.isEmpty {
            problems.append(
                "\(drained.count) partition(s) ran out of backlog inside the window (\(drained.prefix(3).map(\.description).joined(separator: ", "))…): raise --messages or shorten --duration"
            )
        }
        let goNs = finals.map(\.goNs)
        result.goSkewMs = WindowCoverage.goSkewMs(goNs)
        if let skew = WindowCoverage.goSkewProblem(result.goSkewMs, names: names, goNs: goNs) { problems.append(skew) }
        if configuration.mode == .window {
            problems += WindowCoverage.stalledPartitions(
                assignment: result.assignment,
                finals: Dictionary(zip(names, finals), uniquingKeysWith: { a, _ in a }))
        }
        let rebalances = finals.reduce(0) { $0 + $1.rebalancesAfterGo }
        if rebalances > 0 { problems.append("the group rebalanced \(rebalances) time(s) during measurement") }
        if result.lost > 0 { problems.append("\(result.lost) message(s) lost") }
        // A message consumed twice inflates the throughput measured: the trial does not count.
        if result.duplicates > 0 { problems.append("\(result.duplicates) message(s) consumed more than once") }
        result.reason = problems.joined(separator: "; ")
    }
}
