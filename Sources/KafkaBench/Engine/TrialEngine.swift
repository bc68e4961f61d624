import CSupport

/// Runs one trial's life cycle, the same for every mode:
///
///     placement ─spawns─▶ WorkerGroup ─events─▶ StableGroupBarrier ─go─▶ TrialMode ─▶ shutdown
///
/// It starts every member at once (the embedded broker's first rebalance waits for all of them: 3 s on librdkafka
/// 2.0.2, 1 s where kbench can set it, see `EmbeddedBroker.firstRebalanceDelayMs`), waits for
/// the stable group, hands the group to the mode, and always ends every worker, whatever happens.
public struct TrialEngine {
    /// Where workers start: child processes here, or agents.
    public var placement: any WorkerPlacement
    /// The run's id: part of every group name and passed to every worker.
    public var runId: String
    /// Bound for the group to become stable (`--join-timeout`).
    public var joinTimeout: DurationValue
    /// How long the assignment must stay unchanged before "go", ns.
    public var settleNs = StableGroupBarrier.defaultSettleNs
    /// Told about the trial's phases ("joining group", "measuring 4s window", …) for progress displays.
    public var onPhase: (String) -> Void = { _ in }

    /// An engine for one run's trials; `settleNs` and `onPhase` keep their defaults unless the caller sets them.
    public init(placement: any WorkerPlacement, runId: String, joinTimeout: DurationValue) {
        self.placement = placement
        self.runId = runId
        self.joinTimeout = joinTimeout
    }

    /// What a trial produced: the mode's outcome or why it failed, plus what the engine measured around it.
    /// Returned by `run` on the runner's thread once every worker has ended.
    public struct Outcome<ModeOutcome> {
        public var result: Result<ModeOutcome, TrialFailure>
        /// From starting the first worker to the barrier's release ("go").
        public var joinMs = 0.0
        /// From the end of measurement to the last worker's exit.
        public var teardownMs = 0.0
        /// Each member's partitions at "go", by name.
        public var assignmentAtGo: [String: [TopicPartition]] = [:]
        /// Every member as it ended (finals, applied properties).
        public var members: [WorkerGroup.Member] = []
    }

    /// Starts `specs` as one group that must cover `partitions`, waits for the stable group, runs `mode`, and
    /// ends every worker.
    public func run<M: TrialMode>(_ specs: [WorkerSpec], covering partitions: Set<TopicPartition>, mode: inout M)
        -> Outcome<M.Outcome>
    {
        let group = WorkerGroup(placement: placement, runId: runId)
        defer { group.killAll() }
        var outcome = Outcome<M.Outcome>(result: .failure(TrialFailure("not run")))
        let spawnNs = MonotonicClock.nanoseconds()
        onPhase("starting \(specs.count) consumer process\(specs.count == 1 ? "" : "es")")
        do {
            for spec in specs { try group.spawn(spec) }
            onPhase("joining group")
            let goNs = try waitForStableGroup(group, partitions: partitions, since: spawnNs)
            outcome.joinMs = Double(goNs - spawnNs) / 1e6
            for m in group.members { outcome.assignmentAtGo[m.name] = m.assignment ?? [] }
            let measured = try mode.measure(group, goNs: goNs, engine: self)
            let stopNs = MonotonicClock.nanoseconds()
            onPhase("stopping")
            group.shutdown(graceMs: 10_000)
            outcome.teardownMs = Double(MonotonicClock.nanoseconds() - stopNs) / 1e6
            outcome.result = .success(measured)
        } catch let failure as TrialFailure {
            group.shutdown(graceMs: failure.interrupted ? 2_000 : 5_000)
            outcome.result = .failure(failure)
        } catch {
            group.shutdown(graceMs: 5_000)
            outcome.result = .failure(TrialFailure("\(error)"))
        }
        outcome.members = group.members
        return outcome
    }

    /// Waits until the barrier releases; returns the release time. Fails on a worker's fatal error or early
    /// exit, on interruption, and after `joinTimeout`.
    func waitForStableGroup(_ group: WorkerGroup, partitions: Set<TopicPartition>, since spawnNs: UInt64) throws(TrialFailure) -> UInt64 {
        let brokerAssigns = group.members.contains { $0.groupProtocol == .consumer }
        let barrier = StableGroupBarrier(partitions: partitions, settleNs: settleNs, silentMembersMayBeIdle: brokerAssigns)
        let deadline = spawnNs + joinTimeout.nanoseconds
        while true {
            try poll(group, timeoutMs: 50)
            let now = MonotonicClock.nanoseconds()
            let state = barrier.state(assignments: group.members.map(\.assignment), lastChangeNs: group.lastAssignmentChangeNs, now: now)
            switch state {
            case .stable:
                return now
            case .waiting(let what) where now > deadline:
                throw TrialFailure("the group did not become stable within \(joinTimeout) (--join-timeout): \(what)" + Self.explanation(group))
            case .waiting:
                continue
            }
        }
    }

    /// Pumps the group once for a mode that requires every worker to finish: fails the trial on a fatal error,
    /// on a worker that exited before sending its final result, and on interruption.
    @discardableResult
    public func poll(_ group: WorkerGroup, timeoutMs: Int32) throws(TrialFailure) -> [(Int, WorkerEvent)] {
        let events = group.pump(timeoutMs: timeoutMs)
        if let fatal = group.fatalError(in: events) { throw TrialFailure(fatal) }
        if let exit = group.unexpectedExits(beforeFinal: true).first { throw TrialFailure(exit.reason) }
        try Self.checkInterrupted()
        return events
    }

    /// What a join timeout may mean beyond the barrier's own words: the members' last errors, and a broker that
    /// does not speak the consumer protocol, to which librdkafka (2.16.0, against Tansu 0.6.0) reports nothing at
    /// all: its members simply never get an assignment.
    static func explanation(_ group: WorkerGroup) -> String {
        var out = ""
        let errors = group.members.compactMap { m in m.lastError.map { "\(m.name): \($0)" } }
        if !errors.isEmpty { out += "; last errors: " + errors.prefix(3).joined(separator: "; ") }
        if group.members.contains(where: { $0.groupProtocol == .consumer }), group.members.allSatisfy({ $0.assignment == nil }) {
            out +=
                "; no member got an assignment under --group-protocol consumer: the broker may not support the consumer group protocol "
                + "(KIP-848: Kafka 4.0 and later do, librdkafka's mock from 2.8 does, Tansu 0.6.0 does not), and librdkafka reports "
                + "nothing then; run --group-protocol classic on it"
        }
        return out
    }

    /// Throws `TrialFailure.interruption` once SIGINT or SIGTERM has arrived.
    public static func checkInterrupted() throws(TrialFailure) {
        if kbench_stop_signal() != 0 { throw TrialFailure.interruption }
    }
}
