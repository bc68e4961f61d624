/// A `rolling-restart` step in progress: a deploy. Each consumer running at the step, in slot order (c01, c02, …),
/// is told to leave (leave-group, final commit, as `leave`), and once its process has exited it is started again in
/// its slot (same name; same group.instance.id with --static, as `restart`). The next consumer is stopped only
/// after the restarted one has rejoined (`hasRejoined`) and the step's GAP has passed since.
///
/// Owned by `LiveTrafficMode` and advanced on the runner thread between pumps (`advanceDeploy`); its record is the
/// step's `RebalanceRecording.Event.turns`.
struct RollingRestart {
    /// Where the deploy is between pumps; each phase ends by time or by what the recording shows.
    enum Phase {
        /// Stop the next consumer in the queue.
        case next
        /// Waiting for the stopped process to exit (until `deadline`, CLOCK_MONOTONIC ns; then it is killed).
        case stopping(worker: Int, deadline: UInt64)
        /// Waiting for the restarted process to rejoin (until `deadline`; then the deploy goes on, with a note).
        case rejoining(worker: Int, deadline: UInt64)
        /// Waiting out the GAP after a rejoin.
        case gap(until: UInt64)
    }

    /// How long a stopped consumer may take to leave the group and exit before it is killed: its final commit
    /// and LeaveGroup take well under a second on a healthy cluster.
    static let exitBoundNs: UInt64 = 10_000_000_000

    /// The step's index in `RebalanceRecording.events`.
    let event: Int
    /// Workers still to restart, in slot order.
    var queue: [Int]
    /// The step's GAP: the pause after a rejoin before the next consumer is stopped, ns (0 by default).
    let gapNs: UInt64
    /// Per consumer: how long a restarted consumer may take to rejoin before the deploy goes on without it (the
    /// run's join timeout, `RebalanceConfiguration.joinTimeout`).
    let rejoinBoundNs: UInt64
    /// Where the deploy is; the live-traffic mode advances it between pumps.
    var phase = Phase.next
    /// Set once every queued consumer has had its turn (or the run ended first).
    var finished = false
    /// When `hasRejoined` last looked (it rebuilds the group's ownership: at most every 50 ms).
    var lastCheckNs: UInt64 = 0

    /// The restarted `worker` has rejoined at `now`: it reported an assignment since it started, every partition is
    /// owned exactly once by a live member and every live member owns one (when there are no more members than
    /// partitions), and no live member's last reported join state is a rebalance state (`wait-…`).
    static func hasRejoined(_ worker: Int, in recording: RebalanceRecording, at now: UInt64) -> Bool {
        guard recording.assignments.contains(where: { $0.worker == worker }) else { return false }
        guard GroupOwnership(recording).state(at: now).converged(partitions: recording.partitions) else { return false }
        var last: [Int: String] = [:]
        for g in recording.groupStates where g.ns <= now { last[g.worker] = g.state }
        return !recording.workers.indices.contains { recording.alive($0, at: now) && last[$0]?.hasPrefix("wait") == true }
    }
}

extension LiveTrafficMode {
    /// Starts the deploy of a `rolling-restart` step (its first consumer is stopped at once), or notes that it is
    /// skipped because an earlier one is still running. Returns the worker stopped first (the event's target).
    mutating func startDeploy(_ group: WorkerGroup, step: RebalanceScript.Step, at now: UInt64) throws(RunError) -> Int? {
        if deploy != nil {
            recording.notes.append("\(step.text): skipped, the previous rolling-restart was still running")
            return nil
        }
        let live = recording.workers.indices.filter { recording.workers[$0].endNs == nil && !group.members[$0].process.hasExited }
        let queue = live.sorted { recording.workers[$0].name < recording.workers[$1].name }
        guard let first = queue.first else { return nil }
        recording.events.append(.init(action: .rollingRestart, ns: now, worker: first))
        deploy = RollingRestart(
            event: recording.events.count - 1, queue: queue, gapNs: step.gap?.nanoseconds ?? 0, rejoinBoundNs: configuration.joinTimeout.nanoseconds)
        try advanceDeploy(group)
        return first
    }

    /// Moves the running deploy on as far as it can go now.
    mutating func advanceDeploy(_ group: WorkerGroup) throws(RunError) {
        guard var d = deploy else { return }
        defer { deploy = d.finished ? nil : d }
        let now = MonotonicClock.nanoseconds()
        switch d.phase {
        case .next:
            // a consumer that exited meanwhile (killed by another step, crashed) has no turn
            while let w = d.queue.first, recording.workers[w].endNs != nil || group.members[w].process.hasExited {
                recording.notes.append("rolling-restart: \(recording.workers[w].name) was no longer running at its turn; skipped")
                d.queue.removeFirst()
            }
            guard let w = d.queue.first else {
                d.finished = true
                return
            }
            d.queue.removeFirst()
            group.stop(w)
            recording.workers[w].endNs = now
            recording.events[d.event].turns.append(.init(name: recording.workers[w].name, stoppedWorker: w, stopNs: now))
            onProgress("rolling-restart: \(recording.workers[w].name) stopped")
            d.phase = .stopping(worker: w, deadline: now + RollingRestart.exitBoundNs)
        case .stopping(let w, let deadline):
            // the new process must not join while the old one still holds the slot (the same group.instance.id)
            guard group.members[w].process.hasExited || now >= deadline else { return }
            if !group.members[w].process.hasExited {
                group.kill(w)
                recording.notes.append(
                    "rolling-restart: \(recording.workers[w].name) had not exited \(RollingRestart.exitBoundNs / 1_000_000_000) s after it was told to leave; killed"
                )
            }
            let n = try spawn(group, name: recording.workers[w].name)
            let turn = recording.events[d.event].turns.count - 1
            recording.events[d.event].turns[turn].restartedWorker = n
            d.phase = .rejoining(worker: n, deadline: now + d.rejoinBoundNs)
        case .rejoining(let n, let deadline):
            guard now >= d.lastCheckNs + 50_000_000 || now >= deadline else { return }
            d.lastCheckNs = now
            let turn = recording.events[d.event].turns.count - 1
            if RollingRestart.hasRejoined(n, in: recording, at: now) {
                recording.events[d.event].turns[turn].rejoinedNs = now
                onProgress("rolling-restart: \(recording.workers[n].name) rejoined")
            } else if now >= deadline {
                recording.notes.append(
                    "rolling-restart: \(recording.workers[n].name) had not rejoined within \(configuration.joinTimeout) (the run's join timeout); "
                        + "the deploy went on")
            } else {
                return
            }
            d.phase = .gap(until: now + d.gapNs)
        case .gap(let until):
            if now >= until { d.phase = .next }
        }
    }

    /// At the end of traffic: notes what a deploy still running did not get to.
    mutating func noteUnfinishedDeploy() {
        guard let d = deploy else { return }
        var waiting = d.queue.map { recording.workers[$0].name }
        // one stopped and not started again yet
        if case .stopping(let w, _) = d.phase { waiting.insert(recording.workers[w].name, at: 0) }
        recording.notes.append(
            "rolling-restart: the deploy had not finished when the traffic ended"
                + (waiting.isEmpty ? "" : " (not restarted: \(waiting.joined(separator: " ")))"))
        deploy = nil
    }
}
