import Foundation

/// The rebalance run's trial mode: from the stable group on, a rate-paced producer sends keyed events while the
/// script starts, stops and kills consumers and faults brokers (embedded cluster: itself; real cluster: by the
/// step's `--on-event` command); then every produced event is drained. Records assignments, every processed
/// message, every delivery report, the script's events and unexpected exits for `RebalanceAnalysis`.
struct LiveTrafficMode: TrialMode {
    /// The run's settings: duration, rate, script, partitions and drain bound.
    let configuration: RebalanceConfiguration
    /// The run's one topic, which the producer writes and the consumers read.
    let topic: String
    /// The cluster's client properties, for the producer and the `--on-event` commands' secret masking.
    let baseConfig: KafkaConfig
    /// Reads the high watermarks after traffic, to know when the drain is complete.
    let admin: KafkaAdmin
    /// What the run observed; returned by `measure` for `RebalanceAnalysis`.
    var recording: RebalanceRecording
    /// The spec of a consumer named `name` (joins and restarts).
    let specFor: (String) -> WorkerSpec
    /// Called with a short status line as the run goes ("kill@12s → c01", "producer flushed"); the command prints it.
    var onProgress: (String) -> Void = { _ in }
    /// The embedded cluster's fault injector (nil on a real cluster).
    var faults: BrokerFaultInjector?
    /// `--on-event` commands by step index.
    var commands: [Int: String] = [:]
    /// Producer properties kbench sets for this run, under the user's.
    var producerProperties: [String: String] = [:]
    /// The `rolling-restart` deploy in progress, if any.
    var deploy: RollingRestart?

    /// The mode before the run: the recording gets its workers, traffic window and events during `measure`.
    init(
        configuration: RebalanceConfiguration, topic: String, baseConfig: KafkaConfig, admin: KafkaAdmin,
        recording: RebalanceRecording, specFor: @escaping (String) -> WorkerSpec
    ) {
        self.configuration = configuration; self.topic = topic; self.baseConfig = baseConfig; self.admin = admin
        self.recording = recording; self.specFor = specFor
    }

    /// Runs the traffic and the script from the stable group (`goNs`), then drains and stops every worker. A worker's
    /// unexpected exit is a note in the recording, not a failure; a step that cannot be carried out, unreadable end
    /// offsets or an interrupt fail the trial.
    mutating func measure(_ group: WorkerGroup, goNs: UInt64, engine: TrialEngine) throws(TrialFailure) -> RebalanceRecording {
        let c = configuration
        for (i, m) in group.members.enumerated() {
            recording.workers.append(.init(name: m.name, spawnNs: m.spawnNs))
            recording.assignments.append(.init(ns: goNs, worker: i, partitions: (m.assignment ?? []).map(\.partition)))
        }
        recording.startNs = goNs
        recording.endNs = goNs + c.duration.nanoseconds
        let producer = LiveProducer(
            config: KafkaConfig(producerProperties).merging(baseConfig.properties), topic: topic, configuration: c, deadlineNs: recording.endNs)
        producer.start()
        defer { producer.stop() }
        onProgress("producing \(Int(c.rate)) events/s for \(c.duration)")

        var pending = Array(c.script.steps.enumerated())
        var gone: [String] = []
        var running: [(event: Int, command: EventCommand)] = []
        // a run that fails or is interrupted still ends every --on-event command it started
        defer { for r in running { _ = r.command.finish(timeoutNs: 0, config: baseConfig) } }
        recording.hostAtStart = HostCPU.sample()
        while MonotonicClock.nanoseconds() < recording.endNs {
            try absorb(group, timeoutMs: 10)
            do { try advanceDeploy(group) } catch { throw TrialFailure("rolling-restart: \(error)") }
            let now = MonotonicClock.nanoseconds()
            while let (index, step) = pending.first, goNs + step.at.nanoseconds <= now {
                pending.removeFirst()
                if let command = commands[index] {
                    let run = EventCommand(command: command)
                    run.start()
                    running.append((recording.events.count, run))
                }
                if step.action.isBrokerFault {
                    var event = RebalanceRecording.Event(action: step.action, ns: now, worker: -1)
                    if var faults {
                        do { (event.target, event.detail) = try faults.apply(step) } catch {
                            throw TrialFailure("\(step.text): \(error)")
                        }
                        self.faults = faults
                    } else {
                        event.target = step.broker.map { "b\($0)" } ?? "cluster"
                        event.detail = "by its --on-event command"
                    }
                    recording.events.append(event)
                    onProgress("\(step.text): \(event.detail)")
                    continue
                }
                let target: Int
                do {
                    switch step.action {
                    case .join:
                        // the next slot number, as `RebalanceScript` counts slots (a restart reuses its slot's name)
                        target = try spawn(group, name: WorkerGroup.consumerName(Set(recording.workers.map(\.name)).count + 1))
                    case .restart:
                        target = try spawn(group, name: gone.removeLast())
                    case .leave, .kill:
                        // deterministic: the live consumer with the lowest name
                        let live = recording.workers.indices.filter { recording.workers[$0].endNs == nil && !group.members[$0].process.hasExited }
                        target = live.min { recording.workers[$0].name < recording.workers[$1].name }!
                        if step.action == .kill { group.kill(target) } else { group.stop(target) }
                        recording.workers[target].endNs = MonotonicClock.nanoseconds()
                        gone.append(recording.workers[target].name)
                    case .stall:
                        let name = step.consumer ?? ""
                        // the slot's current process (a restart reuses the name)
                        guard
                            let live = recording.workers.indices.last(where: {
                                recording.workers[$0].name == name && recording.workers[$0].endNs == nil && !group.members[$0].process.hasExited
                            })
                        else {
                            recording.notes.append("\(step.text): \(name) was not running at that moment; the step was skipped")
                            continue
                        }
                        group.send(RunnerCommand(cmd: .stall, durationNs: step.stallDuration?.nanoseconds), to: live)
                        target = live
                    case .rollingRestart:
                        // records its own event, with a turn per consumer
                        if let first = try startDeploy(group, step: step, at: now) {
                            onProgress("\(step.text) → from \(recording.workers[first].name)")
                        }
                        continue
                    case .brokerDown, .brokerUp, .failover, .rtt, .coordinator, .errors:
                        continue
                    }
                } catch {
                    throw TrialFailure("\(step.action.rawValue)@\(step.at): \(error)")
                }
                recording.events.append(.init(action: step.action, ns: now, worker: target))
                onProgress("\(step.action.rawValue)@\(step.at) → \(recording.workers[target].name)")
            }
        }

        recording.hostAtEnd = HostCPU.sample()
        noteUnfinishedDeploy()
        // Let the producer finish (reading the consumers meanwhile: a full pipe would stall them), then drain:
        // every produced message consumed (or the drain bound).
        while !producer.isDone { try absorb(group, timeoutMs: 10) }
        let produced = producer.finish()
        onProgress("producer flushed")
        recording.produced = produced.delivered
        recording.deliveryFailures = produced.failed
        recording.deliveries = produced.deliveries
        recording.retries = produced.retries
        if let e = produced.error { recording.notes.append("producer: \(e)") }
        do {
            // a fresh client: the long-lived one may sit in a reconnect backoff to a broker a fault stopped
            // (reading through it took a minute after a broker-down/up)
            let endOffsets = try KafkaAdmin(config: baseConfig)
            for p in 0..<c.partitions {
                recording.highWatermarks.append(try endOffsets.watermarks(TopicPartition(topic, Int32(p))).high)
                try absorb(group, timeoutMs: 0)
            }
        } catch let failure as TrialFailure {
            throw failure
        } catch {
            throw TrialFailure("cannot read the end offsets after the traffic: \(error)")
        }
        onProgress("end offsets read; draining")
        let drainDeadline = MonotonicClock.nanoseconds() + c.drainTimeout.nanoseconds
        var maxOffset = [Int64](repeating: -1, count: c.partitions)
        var scanned = 0
        while true {
            for s in recording.samples[scanned...] where (0..<c.partitions).contains(Int(s.partition)) {
                maxOffset[Int(s.partition)] = max(maxOffset[Int(s.partition)], s.offset)
            }
            scanned = recording.samples.count
            if (0..<c.partitions).allSatisfy({ maxOffset[$0] + 1 >= recording.highWatermarks[$0] }) { break }
            if MonotonicClock.nanoseconds() > drainDeadline {
                recording.notes.append("the final drain did not finish within \(c.drainTimeout) (--drain-timeout)")
                break
            }
            try absorb(group, timeoutMs: 20)
        }
        let stopNs = MonotonicClock.nanoseconds()
        for i in recording.workers.indices where recording.workers[i].endNs == nil { recording.workers[i].endNs = stopNs }
        for r in running { recording.events[r.event].command = r.command.finish(timeoutNs: 5_000_000_000, config: baseConfig) }
        record(group.shutdown(graceMs: 10_000))
        return recording
    }

    /// Starts consumer `name` (a join, restart or rolling-restart turn) and records it as a new worker; returns its
    /// index, the same in the group and in the recording.
    mutating func spawn(_ group: WorkerGroup, name: String) throws(RunError) -> Int {
        let i = try group.spawn(specFor(name))
        recording.workers.append(.init(name: name, spawnNs: group.members[i].spawnNs))
        return i
    }

    /// Pumps the group once: records its events; a worker's unexpected exit becomes a note, not a failure.
    private mutating func absorb(_ group: WorkerGroup, timeoutMs: Int32) throws(TrialFailure) {
        record(group.pump(timeoutMs: timeoutMs))
        for exit in group.unexpectedExits() {
            if recording.workers[exit.index].endNs == nil { recording.workers[exit.index].endNs = MonotonicClock.nanoseconds() }
            recording.notes.append(exit.reason)
        }
        try TrialEngine.checkInterrupted()
    }

    /// Appends the workers' events to the recording: assignments, live samples (µs timestamps made ns), join states,
    /// and up to 20 distinct error notes.
    private mutating func record(_ events: [(Int, WorkerEvent)]) {
        for (i, ev) in events {
            switch ev.event {
            case .assignment:
                recording.assignments.append(.init(ns: ev.t, worker: i, partitions: (ev.partitions ?? []).map(\.partition)))
            case .progress:
                guard let s = ev.samples else { continue }
                typealias L = LiveSampleLayout
                var k = 0
                while k + L.width <= s.count {
                    let tagged = s[k + L.userAndSequence]
                    recording.samples.append(
                        .init(
                            ns: UInt64(max(0, s[k + L.atMicros])) * 1000, worker: i, partition: Int32(truncatingIfNeeded: s[k + L.partition]),
                            offset: s[k + L.offset], latencyMicros: UInt64(max(0, s[k + L.latencyMicros])),
                            userId: UInt32(truncatingIfNeeded: tagged >> 32), sequence: UInt32(truncatingIfNeeded: tagged)))
                    k += L.width
                }
            case .error:
                if let m = ev.message {
                    let note = "\(recording.workers.indices.contains(i) ? recording.workers[i].name : "c?"): \(m)"
                    if recording.notes.count < 20 && !recording.notes.contains(note) { recording.notes.append(note) }
                }
            case .groupState:
                if let state = ev.state { recording.groupStates.append(.init(ns: ev.t, worker: i, state: state)) }
            case .ready, .final:
                break
            }
        }
    }
}
