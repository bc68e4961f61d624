import Foundation

/// The rebalance run's trial mode: from the stable group on, a rate-paced producer sends keyed events while the
/// script starts, stops and kills consumers; then every produced event is drained. Records assignments, every
/// processed message, the script's events and unexpected exits for `RebalanceAnalysis`.
struct LiveTrafficMode: TrialMode {
    let configuration: RebalanceConfiguration
    let topic: String
    let baseConfig: KafkaConfig
    let admin: KafkaAdmin
    var recording: RebalanceRecording
    /// The spec of a consumer named `name` (joins and restarts).
    let specFor: (String) -> WorkerSpec
    var onProgress: (String) -> Void = { _ in }

    init(
        configuration: RebalanceConfiguration, topic: String, baseConfig: KafkaConfig, admin: KafkaAdmin,
        recording: RebalanceRecording, specFor: @escaping (String) -> WorkerSpec
    ) {
        self.configuration = configuration; self.topic = topic; self.baseConfig = baseConfig; self.admin = admin
        self.recording = recording; self.specFor = specFor
    }

    mutating func measure(_ group: WorkerGroup, goNs: UInt64, engine: TrialEngine) throws(TrialFailure) -> RebalanceRecording {
        let c = configuration
        for (i, m) in group.members.enumerated() {
            recording.workers.append(.init(name: m.name, spawnNs: m.spawnNs))
            recording.assignments.append(.init(ns: goNs, worker: i, partitions: (m.assignment ?? []).map(\.partition)))
        }
        recording.startNs = goNs
        recording.endNs = goNs + c.duration.nanoseconds
        let producer = LiveProducer(config: baseConfig, topic: topic, configuration: c, deadlineNs: recording.endNs)
        producer.start()
        defer { producer.stop() }
        onProgress("producing \(Int(c.rate)) events/s for \(c.duration)")

        var pending = c.script.steps
        var gone: [String] = []
        while MonotonicClock.nanoseconds() < recording.endNs {
            try absorb(group, timeoutMs: 10)
            let now = MonotonicClock.nanoseconds()
            while let step = pending.first, goNs + step.at.nanoseconds <= now {
                pending.removeFirst()
                let target: Int
                do {
                    switch step.action {
                    case .join:
                        target = try spawn(group, name: WorkerGroup.consumerName(recording.workers.count + 1))
                    case .restart:
                        target = try spawn(group, name: gone.removeLast())
                    case .leave, .kill:
                        // deterministic: the live consumer with the lowest name
                        let live = recording.workers.indices.filter { recording.workers[$0].endNs == nil && !group.members[$0].process.hasExited }
                        target = live.min { recording.workers[$0].name < recording.workers[$1].name }!
                        if step.action == .kill { group.kill(target) } else { group.stop(target) }
                        recording.workers[target].endNs = MonotonicClock.nanoseconds()
                        gone.append(recording.workers[target].name)
                    }
                } catch {
                    throw TrialFailure("\(step.action.rawValue)@\(step.at): \(error)")
                }
                recording.events.append(.init(action: step.action, ns: now, worker: target))
                onProgress("\(step.action.rawValue)@\(step.at) → \(recording.workers[target].name)")
            }
        }

        // Let the producer finish, then drain: every produced message consumed (or the drain bound).
        let produced = producer.finish()
        recording.produced = produced.delivered
        recording.deliveryFailures = produced.failed
        if let e = produced.error { recording.notes.append("producer: \(e)") }
        do {
            for p in 0..<c.partitions { recording.highWatermarks.append(try admin.watermarks(TopicPartition(topic, Int32(p))).high) }
        } catch {
            throw TrialFailure("cannot read the end offsets after the traffic: \(error)")
        }
        onProgress("draining")
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
            try absorb(group, timeoutMs: 20)
        }
        let stopNs = MonotonicClock.nanoseconds()
        for i in recording.workers.indices where recording.workers[i].endNs == nil { recording.workers[i].endNs = stopNs }
        record(group.shutdown(graceMs: 10_000))
        return recording
    }

    private mutating func spawn(_ group: WorkerGroup, name: String) throws(RunError) -> Int {
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

    private mutating func record(_ events: [(Int, WorkerEvent)]) {
        for (i, ev) in events {
            switch ev.event {
            case .assignment:
                recording.assignments.append(.init(ns: ev.t, worker: i, partitions: (ev.partitions ?? []).map(\.partition)))
            case .progress:
                guard let s = ev.samples else { continue }
                var k = 0
                while k + 3 < s.count {
                    recording.samples.append(
                        .init(
                            ns: UInt64(s[k + 2]) * 1000, worker: i, partition: Int32(s[k]),
                            offset: s[k + 1], latencyMicros: UInt64(max(0, s[k + 3]))))
                    k += 4
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
