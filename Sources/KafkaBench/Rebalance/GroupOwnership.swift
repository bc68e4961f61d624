/// Who owned which partition at any moment of a rebalance run, from the workers' reported assignments and
/// their lives (a consumer owns nothing once it was killed, left or exited).
/// Built once per analysis; `state(at:)` recomputes from the sorted reports each time (no caching).
struct GroupOwnership {
    /// The group at one moment: the live members and their partitions, as `state(at:)` computes it.
    /// Worker indices refer to the recording's `workers`; partitions to the run's one topic.
    struct State: Equatable {
        /// Partition → live owners (more than one: held twice).
        var owners: [Int32: [Int]]
        /// Indices into the recording's `workers` of the processes running at that moment.
        var liveMembers: [Int]
        /// Partitions no live member owns.
        var unowned: [Int32]
        /// Live members that own no partition (none reported yet, or an empty assignment).
        var idleMembers: [Int]

        /// Every partition owned exactly once by a live member and, when there are no more live members than
        /// partitions, every live member owning at least one.
        func converged(partitions: Int) -> Bool {
            unowned.isEmpty && owners.values.allSatisfy { $0.count == 1 }
                && (liveMembers.count > partitions || idleMembers.isEmpty)
        }
    }

    /// The recording: worker names for descriptions, and worker lives for who is live when.
    let recording: RebalanceRecording
    /// The recording's assignment reports, sorted by time.
    private let assignments: [RebalanceRecording.Assignment]

    /// Copies the recording and sorts its assignment reports once; `state(at:)` is called many times per event.
    init(_ recording: RebalanceRecording) {
        self.recording = recording
        assignments = recording.assignments.sorted { $0.ns < $1.ns }
    }

    /// Who owned what at `ns`: each live worker's last assignment reported at or before it. A killed, departed or exited
    /// worker owns nothing from its end on, whatever it reported last.
    func state(at ns: UInt64) -> State {
        var latest: [Int: [Int32]] = [:]
        for e in assignments where e.ns <= ns { latest[e.worker] = e.partitions }
        let live = recording.workers.indices.filter { recording.alive($0, at: ns) }
        var owners: [Int32: [Int]] = [:]
        var idle: [Int] = []
        for w in live {
            let ps = latest[w] ?? []
            if ps.isEmpty { idle.append(w) }
            for p in ps { owners[p, default: []].append(w) }
        }
        let unowned = (0..<Int32(recording.partitions)).filter { owners[$0] == nil }
        return State(owners: owners, liveMembers: live, unowned: unowned, idleMembers: idle)
    }

    /// Moments in [from, to) at which the state can change: assignment reports, spawns and ends.
    func changes(from: UInt64, to: UInt64) -> [UInt64] {
        var times = assignments.map(\.ns)
        for w in recording.workers { times.append(w.spawnNs); if let e = w.endNs { times.append(e) } }
        return Set(times.filter { $0 >= from && $0 < to }).sorted()
    }

    /// "c01:0+3 c02:1+4", consumers by name, each with its partitions ascending; a partition held twice appears
    /// under both owners.
    func describe(_ s: State) -> String {
        var byWorker: [String: [Int32]] = [:]
        for (p, ws) in s.owners { for w in ws { byWorker[recording.workers[w].name, default: []].append(p) } }
        return byWorker.keys.sorted().map { "\($0):\(byWorker[$0]!.sorted().map(String.init).joined(separator: "+"))" }
            .joined(separator: " ")
    }

    /// What keeps the group from having converged: unowned partitions, partitions held twice, idle members.
    func problems(_ s: State) -> String {
        var parts = ["owners \(describe(s))"]
        if !s.unowned.isEmpty { parts.append("unowned \(s.unowned.map(String.init).joined(separator: "+"))") }
        let twice = s.owners.filter { $0.value.count > 1 }.keys.sorted()
        if !twice.isEmpty { parts.append("held twice \(twice.map(String.init).joined(separator: "+"))") }
        if !s.idleMembers.isEmpty { parts.append("idle \(s.idleMembers.map { recording.workers[$0].name }.joined(separator: " "))") }
        return parts.joined(separator: "; ")
    }
}
