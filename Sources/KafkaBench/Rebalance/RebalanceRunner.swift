import CSupport
import Foundation
import Synchronization

/// Runs a rebalance scenario once per assignor: a steady keyed producer, a group of live consumer processes,
/// and the script's joins, leaves, kills and restarts, recording everything `RebalanceAnalysis` needs.
public final class RebalanceRunner {
    public let configuration: RebalanceConfiguration
    public let cluster: ClusterConnection
    public let runId: String
    private let executable: String

    public init(configuration: RebalanceConfiguration, cluster: ClusterConnection, runId: String) throws {
        try configuration.validate()
        self.configuration = configuration
        self.cluster = cluster
        self.runId = runId
        executable = try WorkerLauncher.executablePath()
    }

    /// Told about progress ("range: join@5s → c04", …).
    public var onProgress: (String) -> Void = { _ in }

    /// Runs one assignor's scenario. Throws on setup failures; problems during the run become notes.
    public func run(assignor: Assignor, embedded: Bool) throws -> RebalanceRecording {
        let c = configuration
        if c.staticMembership && embedded {
            throw UsageError("--static is unsupported on the embedded broker: librdkafka 2.0.2's mock parses group.instance.id but ignores it "
                + "(a restart causes a full rebalance), so kbench would report a false result; use --static against a real cluster")
        }
        let topic = cluster.hostedBroker != nil
            ? "\(c.topicPrefix)-rebalance-\(assignor.rawValue)"
            : "\(c.topicPrefix)-rebalance-\(runId)-\(assignor.rawValue)"
        try cluster.ensureTopic(topic, partitions: c.partitions)
        let admin = try KafkaAdmin(config: cluster.baseConfig)
        var lows: [Int64] = []
        for p in 0..<c.partitions { lows.append(try admin.watermarks(TopicPartition(topic, Int32(p))).low) }

        var properties = SweepRunner.consumerDefaults.merging(c.groupProperties) { _, new in new }
        properties.merge(cluster.baseConfig.properties) { _, user in user }
        properties["group.id"] = "\(c.topicPrefix)-\(runId)-rebalance-\(assignor.rawValue)"
        properties["partition.assignment.strategy"] = assignor.rawValue

        let group = WorkerGroup()
        defer { group.killAll() }
        var recording = RebalanceRecording(assignor: assignor, partitions: c.partitions, startNs: 0, endNs: 0)
        recording.lowWatermarks = lows
        var nextNumber = 0

        func spawn(name: String) throws -> Int {
            var props = properties
            if c.staticMembership { props["group.instance.id"] = "\(c.topicPrefix)-\(runId)-\(name)" }
            let spec = WorkerSpec(name: name, topics: [topic], properties: props, work: c.work.description,
                                  commit: c.commit.description, mode: .live)
            try group.spawn(name: name, executable: executable, arguments: ["worker", "--run-id", runId], spec: spec)
            recording.workers.append(.init(name: name, spawnNs: MonotonicClock.nanoseconds()))
            return recording.workers.count - 1
        }
        func newName() -> String {
            nextNumber += 1
            return String(format: "c%02d", nextNumber)
        }

        func absorb(_ events: [(Int, WorkerEvent)]) {
            for (i, ev) in events {
                switch ev.event {
                case .assignment:
                    let ps = (ev.partitions ?? []).map(\.partition)
                    recording.assignments.append(.init(ns: ev.t, worker: i, partitions: ps))
                case .progress:
                    if let s = ev.samples {
                        var k = 0
                        while k + 3 < s.count {
                            recording.samples.append(.init(ns: UInt64(s[k + 2]) * 1000, worker: i, partition: Int32(s[k]),
                                                           offset: s[k + 1], latencyMicros: UInt64(max(0, s[k + 3]))))
                            k += 4
                        }
                    }
                case .error:
                    if let m = ev.message {
                        let note = "\(recording.workers[i].name): \(m)"
                        if recording.notes.count < 20 && !recording.notes.contains(note) { recording.notes.append(note) }
                    }
                default: break
                }
            }
            for (i, w) in group.workers.enumerated() where w.hasExited && recording.workers[i].endNs == nil {
                recording.workers[i].endNs = MonotonicClock.nanoseconds()
                let lines = w.stderrTail.split(separator: "\n")
                let detail = (lines.first { $0.contains("Fatal error") || $0.contains("Assertion") || $0.contains("crashed:") } ?? lines.last).map(String.init) ?? ""
                recording.notes.append("\(recording.workers[i].name) \(w.exitDescription ?? "exited") unexpectedly" + (detail.isEmpty ? "" : ": \(detail)"))
            }
        }

        // Start the group and wait until it holds every partition exactly once.
        for _ in 0..<c.consumers { _ = try spawn(name: newName()) }
        onProgress("\(assignor.rawValue): \(c.consumers) consumers joining")
        let joinDeadline = MonotonicClock.nanoseconds() + c.joinTimeout.nanoseconds
        while true {
            absorb(group.pump(timeoutMs: 50))
            if kbench_stop_signal() != 0 { throw UsageError("interrupted") }
            var latest: [Int: [Int32]] = [:]
            for e in recording.assignments { latest[e.worker] = e.partitions }
            let held = latest.values.flatMap { $0 }
            if latest.count == c.consumers, held.count == c.partitions, Set(held).count == c.partitions { break }
            if MonotonicClock.nanoseconds() > joinDeadline {
                throw UsageError("the group did not become stable within \(c.joinTimeout) (--join-timeout)")
            }
        }

        // Traffic, and the script.
        let start = MonotonicClock.nanoseconds()
        recording.startNs = start
        recording.endNs = start + c.duration.nanoseconds
        let producer = LiveProducer(config: cluster.baseConfig, topic: topic, configuration: c, deadlineNs: recording.endNs)
        producer.start()
        defer { producer.stop() }
        onProgress("\(assignor.rawValue): producing \(Int(c.rate)) events/s for \(c.duration)")
        var pending = c.script.steps
        var gone: [String] = []
        while MonotonicClock.nanoseconds() < recording.endNs {
            absorb(group.pump(timeoutMs: 10))
            if kbench_stop_signal() != 0 { throw UsageError("interrupted") }
            let now = MonotonicClock.nanoseconds()
            while let step = pending.first, start + step.at.nanoseconds <= now {
                pending.removeFirst()
                let live = recording.workers.indices.filter { recording.workers[$0].endNs == nil && !group.workers[$0].hasExited }
                var target: Int
                switch step.action {
                case .join:
                    target = try spawn(name: newName())
                case .restart:
                    target = try spawn(name: gone.removeLast())
                case .leave, .kill:
                    // deterministic: the live consumer with the lowest name
                    target = live.min { recording.workers[$0].name < recording.workers[$1].name }!
                    if step.action == .kill { group.workers[target].kill() } else { group.send(RunnerCommand(cmd: .stop), to: target) }
                    recording.workers[target].endNs = MonotonicClock.nanoseconds()
                    gone.append(recording.workers[target].name)
                }
                recording.events.append(.init(action: step.action, ns: now, worker: target))
                onProgress("\(assignor.rawValue): \(step.action.rawValue)@\(step.at) → \(recording.workers[target].name)")
            }
        }

        // Let the producer finish, then drain: every produced message consumed (or the drain bound).
        let produced = producer.finish()
        recording.produced = produced.delivered
        recording.deliveryFailures = produced.failed
        if let e = produced.error { recording.notes.append("producer: \(e)") }
        for p in 0..<c.partitions { recording.highWatermarks.append(try admin.watermarks(TopicPartition(topic, Int32(p))).high) }
        onProgress("\(assignor.rawValue): draining")
        let drainDeadline = MonotonicClock.nanoseconds() + c.drainTimeout.nanoseconds
        var maxOffset = [Int64](repeating: -1, count: c.partitions)
        var scanned = 0
        while true {
            for s in recording.samples[scanned...] where Int(s.partition) < c.partitions {
                maxOffset[Int(s.partition)] = max(maxOffset[Int(s.partition)], s.offset)
            }
            scanned = recording.samples.count
            if (0..<c.partitions).allSatisfy({ maxOffset[$0] + 1 >= recording.highWatermarks[$0] }) { break }
            if MonotonicClock.nanoseconds() > drainDeadline {
                recording.notes.append("the final drain did not finish within \(c.drainTimeout) (--drain-timeout)")
                break
            }
            absorb(group.pump(timeoutMs: 20))
            if kbench_stop_signal() != 0 { throw UsageError("interrupted") }
        }
        let stopNs = MonotonicClock.nanoseconds()
        for i in recording.workers.indices where recording.workers[i].endNs == nil { recording.workers[i].endNs = stopNs }
        absorb(group.shutdown(graceMs: 10_000))
        return recording
    }
}

/// The rate-paced producer of a rebalance run, on its own thread (librdkafka's produce and poll block).
final class LiveProducer: @unchecked Sendable {
    struct Outcome: Sendable {
        var delivered = 0
        var failed = 0
        var error: String?
    }
    private let state = Mutex<(stop: Bool, done: Bool, outcome: Outcome)>((false, false, Outcome()))
    private let config: KafkaConfig
    private let topic: String
    private let configuration: RebalanceConfiguration
    private let deadlineNs: UInt64
    private var thread: Thread?

    init(config: KafkaConfig, topic: String, configuration: RebalanceConfiguration, deadlineNs: UInt64) {
        self.config = config
        self.topic = topic
        self.configuration = configuration
        self.deadlineNs = deadlineNs
    }

    func start() {
        let t = Thread { [self] in
            var outcome = Outcome()
            do {
                let producer = try KafkaProducer(config: KafkaConfig(Seeder.producerDefaults).merging(["linger.ms": "1"]).merging(config.properties))
                var sampler = KeySampler(keys: configuration.keys, distribution: .uniform)
                _ = try ProducerLoop(topic: topic, valueBytes: configuration.valueBytes, rate: configuration.rate).run(
                    producer: producer, deadlineNs: deadlineNs, nextUserId: { UInt32(sampler.next()) },
                    shouldStop: { self.state.withLock { $0.stop } })
                try producer.flush(timeoutMs: 30_000)
                outcome.delivered = producer.delivered
                outcome.failed = producer.failed
                if let f = producer.firstFailure { outcome.error = f }
            } catch {
                outcome.error = "\(error)"
            }
            let result = outcome
            self.state.withLock { $0.done = true; $0.outcome = result }
        }
        thread = t
        t.start()
    }

    /// Waits for the producer to reach its deadline and flush.
    func finish() -> Outcome {
        while !state.withLock({ $0.done }) { usleep(10_000) }
        return state.withLock { $0.outcome }
    }

    func stop() {
        state.withLock { $0.stop = true }
        _ = finish()
    }
}
