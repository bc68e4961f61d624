import CSupport
import Foundation

/// Runs one trial: C worker processes join one group, wait at the stable-group barrier, consume for the window
/// (or until drained), report, and are ended — always, whatever happens.
public struct TrialRunner {
    public var executable: String
    public var runId: String
    public var configuration: SweepConfiguration
    /// Client properties every worker gets (bootstrap, kbench defaults, user properties).
    public var clientProperties: [String: String]
    public var topicNames: [String]
    public var lowWatermarks: [TopicPartition: Int64]
    public var highWatermarks: [TopicPartition: Int64]
    /// Told about the trial's phases ("joining", "measuring", …) for progress displays.
    public var onPhase: (String) -> Void = { _ in }

    /// How long the assignment must stay unchanged before the barrier releases.
    /// (Longer than the embedded broker's 500 ms heartbeat, so a follow-up rebalance is seen before "go".)
    static let settleNs: UInt64 = 1_000_000_000

    public init(executable: String, runId: String, configuration: SweepConfiguration, clientProperties: [String: String],
                topicNames: [String], lowWatermarks: [TopicPartition: Int64], highWatermarks: [TopicPartition: Int64]) {
        self.executable = executable; self.runId = runId; self.configuration = configuration
        self.clientProperties = clientProperties; self.topicNames = topicNames
        self.lowWatermarks = lowWatermarks; self.highWatermarks = highWatermarks
    }

    static func consumerName(_ i: Int) -> String { String(format: "c%02d", i + 1) }

    /// The trial's consumer group: unique per run and trial.
    public func groupId(_ point: TrialPoint) -> String {
        "\(configuration.topicPrefix)-\(runId)-p\(point.partitions)-c\(point.consumers)-\(point.assignor.rawValue)-r\(point.repeat)"
    }

    public func run(_ point: TrialPoint) -> TrialResult {
        var result = TrialResult(point: point)
        let group = WorkerGroup()
        defer { group.killAll() }
        let groupId = groupId(point)
        var properties = clientProperties
        properties["group.id"] = groupId
        properties["partition.assignment.strategy"] = point.assignor.rawValue
        let allPartitions = Set(lowWatermarks.keys)
        let names = (0..<point.consumers).map(Self.consumerName)

        // Spawn every consumer at once: the embedded broker's first rebalance waits 3 s for all members.
        let spawnNs = MonotonicClock.nanoseconds()
        onPhase("starting \(point.consumers) consumer process\(point.consumers == 1 ? "" : "es")")
        for name in names {
            let spec = WorkerSpec(name: name, topics: topicNames, properties: properties,
                                  work: configuration.work.description, commit: configuration.commit.description,
                                  mode: configuration.mode == .window ? .window : .drain)
            do {
                try group.spawn(name: name, executable: executable, arguments: ["worker", "--run-id", runId], spec: spec)
            } catch {
                result.reason = "\(error)"
                return result
            }
        }

        var latest: [Int: [TopicPartition]] = [:]
        var finals: [Int: WorkerFinal] = [:]
        var lastError: [Int: String] = [:]
        var lastChange = MonotonicClock.nanoseconds()

        /// Handles one batch of events; returns a failure reason, if any.
        func absorb(_ events: [(Int, WorkerEvent)]) -> String? {
            for (i, ev) in events {
                switch ev.event {
                case .assignment:
                    latest[i] = ev.partitions ?? []
                    lastChange = MonotonicClock.nanoseconds()
                case .final:
                    if let f = ev.final { finals[i] = f }
                case .error:
                    lastError[i] = ev.message
                    if ev.fatal == true { return "consumer \(names[i]) failed: \(ev.message ?? "unknown error")" }
                default: break
                }
            }
            for (i, w) in group.workers.enumerated() where w.hasExited && finals[i] == nil {
                let detail = lastError[i] ?? w.stderrTail.split(separator: "\n").last.map(String.init) ?? ""
                return "consumer \(names[i]) \(w.exitDescription ?? "exited") before finishing" + (detail.isEmpty ? "" : ": \(detail)")
            }
            return nil
        }

        func interrupted() -> Bool {
            if kbench_stop_signal() != 0 { result.interrupted = true; result.reason = "interrupted"; return true }
            return false
        }

        // Barrier: every consumer has an assignment, together they hold every partition exactly once, and
        // nothing has changed for a moment.
        onPhase("joining group")
        let joinDeadline = spawnNs + configuration.joinTimeout.nanoseconds
        while true {
            if let failure = absorb(group.pump(timeoutMs: 50)) { result.reason = failure; return finish(result, group) }
            if interrupted() { return finish(result, group) }
            let now = MonotonicClock.nanoseconds()
            if latest.count == point.consumers {
                let held = latest.values.flatMap { $0 }
                if held.count == allPartitions.count, Set(held) == allPartitions, now - lastChange >= Self.settleNs { break }
            }
            if now > joinDeadline {
                let held = Set(latest.values.flatMap { $0 })
                result.reason = "the group did not become stable within \(configuration.joinTimeout) (--join-timeout): "
                    + "\(latest.count) of \(point.consumers) consumers have an assignment, \(held.count) of \(allPartitions.count) partitions are held"
                return finish(result, group)
            }
        }
        let goNs = MonotonicClock.nanoseconds()
        result.joinMs = Double(goNs - spawnNs) / 1e6
        for (i, name) in names.enumerated() { result.assignment[name] = latest[i] ?? [] }

        // Measure.
        var windowEnd: UInt64 = 0
        switch configuration.mode {
        case .window:
            let start = goNs + configuration.warmup.nanoseconds
            windowEnd = start + configuration.duration.nanoseconds
            group.broadcast(RunnerCommand(cmd: .go, windowStartNs: start, windowEndNs: windowEnd))
            onPhase("measuring \(configuration.duration) window")
        case .drain:
            group.broadcast(RunnerCommand(cmd: .go))
            onPhase("draining")
        }
        let measureDeadline = configuration.mode == .window
            ? windowEnd + 10_000_000_000
            : goNs + configuration.trialTimeout.nanoseconds
        while finals.count < point.consumers {
            if let failure = absorb(group.pump(timeoutMs: 50)) { result.reason = failure; return finish(result, group) }
            if interrupted() { return finish(result, group) }
            if MonotonicClock.nanoseconds() > measureDeadline {
                let missing = names.indices.filter { finals[$0] == nil }.map { names[$0] }
                result.reason = configuration.mode == .window
                    ? "consumer(s) \(missing.joined(separator: ", ")) sent no result within 10 s after the window (hung?)"
                    : "the backlog was not drained within \(configuration.trialTimeout) (--trial-timeout); still draining: \(missing.joined(separator: ", "))"
                return finish(result, group)
            }
        }

        // Tear down, timed.
        let stopNs = MonotonicClock.nanoseconds()
        onPhase("stopping")
        _ = absorb(group.shutdown(graceMs: 10_000))
        result.teardownMs = Double(MonotonicClock.nanoseconds() - stopNs) / 1e6

        // Results and verification.
        let ordered = names.indices.map { finals[$0]! }
        result.consumed = ordered.reduce(0) { $0 + $1.consumed }
        result.workerCpuSeconds = ordered.reduce(0) { $0 + $1.cpuSeconds }
        result.maxWorkerRssMb = ordered.map(\.peakRssMb).max() ?? 0
        let active = names.indices.filter { !(result.assignment[names[$0]] ?? []).isEmpty }
        switch configuration.mode {
        case .window:
            let seconds = configuration.duration.seconds
            result.seconds = seconds
            result.msgsPerS = Double(ordered.reduce(0) { $0 + $1.windowMessages }) / seconds
            result.mbPerS = Double(ordered.reduce(0) { $0 + $1.windowBytes }) / seconds / 1e6
            result.consumerRates = active.map { Double(ordered[$0].windowMessages) / seconds }
        case .drain:
            let firstGo = ordered.map(\.goNs).min() ?? goNs
            let lastDone = ordered.compactMap(\.doneNs).max() ?? firstGo
            let seconds = max(1e-6, Double(lastDone - firstGo) / 1e9)
            result.seconds = seconds
            result.msgsPerS = Double(result.consumed) / seconds
            result.mbPerS = Double(ordered.reduce(0) { $0 + $1.bytes }) / seconds / 1e6
            result.consumerRates = active.map { i in
                let f = ordered[i]
                let s = max(1e-6, Double((f.doneNs ?? f.goNs) - f.goNs) / 1e9)
                return Double(f.consumed) / s
            }
        }
        let audits = names.indices.flatMap { i in ordered[i].audits.map { (consumer: names[i], report: $0) } }
        let verification = Verification.verify(
            audits: audits, lowWatermarks: lowWatermarks,
            highWatermarks: configuration.mode == .drain ? highWatermarks : nil)
        result.lost = verification.lost
        result.duplicates = verification.duplicates
        var problems = verification.problems
        let drained = Set(ordered.flatMap(\.drainedInWindow)).sorted()
        if !drained.isEmpty {
            problems.append("\(drained.count) partition(s) ran out of backlog inside the window (\(drained.prefix(3).map(\.description).joined(separator: ", "))…): raise --messages or shorten --duration")
        }
        let rebalances = ordered.reduce(0) { $0 + $1.rebalancesAfterGo }
        if rebalances > 0 { problems.append("the group rebalanced \(rebalances) time(s) during measurement") }
        if result.lost > 0 { problems.append("\(result.lost) message(s) lost") }
        // A message consumed twice inflates the throughput measured: the trial does not count.
        if result.duplicates > 0 { problems.append("\(result.duplicates) message(s) consumed more than once") }
        result.reason = problems.joined(separator: "; ")
        return result
    }

    private func finish(_ result: TrialResult, _ group: WorkerGroup) -> TrialResult {
        group.shutdown(graceMs: result.interrupted ? 2_000 : 5_000)
        return result
    }
}
