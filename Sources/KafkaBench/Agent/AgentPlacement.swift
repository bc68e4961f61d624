import CSupport
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Workers on agents (`kbench agent`) on other hosts, reached through the control and reports topics.
///
/// On creation it waits for `settings.count` agents to announce themselves and takes a lease on each, renewed
/// every second by a relay thread. That thread also carries the agents' reports back: each worker's event lines
/// go to a local socket that `WorkerGroup` polls exactly as it polls a local child's stdout, so the barrier, the
/// window, the audit and the shutdown are the local ones. An agent that falls silent for `silenceMs` is dropped
/// and its workers fail their trial; a "go" confirmed later than `goBound` fails the trial too.
///
/// Sendable: shared state is behind a lock; `launch` runs on the runner's thread, the relay on its own.
public final class AgentPlacement: WorkerPlacement, @unchecked Sendable {
    private struct AgentState {
        var facts: AgentFacts
        var run: String
        var lastSeenNs: UInt64
        var selected = false
        var lost = false
    }

    public let settings: AgentSettings
    public let topics: ControlTopics
    private let runId: String
    private let channel: ControlChannel
    private let sender: ControlCodec
    private let log: @Sendable (String) -> Void
    private let lock = NSLock()
    private let sendLock = NSLock()
    private var agents: [String: AgentState] = [:]
    private var workers: [String: RemoteWorker] = [:]
    private var launched: [RemoteWorker] = []
    private var launchCount = 0
    private var stopping = false
    private var relay: Thread?
    private let relayDone = DispatchSemaphore(value: 0)

    /// Opens the control topics, starts the relay and waits for the agents (throws when too few come in time).
    public init(
        settings: AgentSettings, config: KafkaConfig, topics: ControlTopics, runId: String, connectTimeoutMs: Int32 = 10_000,
        hostedBroker: EmbeddedBroker? = nil, log: @escaping @Sendable (String) -> Void
    ) throws(RunError) {
        self.settings = settings
        self.topics = topics
        self.runId = runId
        self.log = log
        sender = ControlCodec(key: settings.key)
        channel = try ControlChannel(
            config: config, sendTo: topics.control, receiveFrom: topics.reports, connectTimeoutMs: connectTimeoutMs,
            hostedBroker: hostedBroker)
        let key = settings.key
        // The thread holds the placement until `close()` ends it.
        let thread = Thread {
            self.relayLoop(ControlCodec(key: key))
            self.relayDone.signal()
        }
        thread.name = "kbench-agent-relay"
        relay = thread
        thread.start()
        do { try waitForAgents() } catch {
            close()
            throw error
        }
    }

    /// The agents in use, by name.
    public var agentFacts: [AgentFacts] {
        lock.lock()
        defer { lock.unlock() }
        return agents.values.filter(\.selected).map(\.facts).sorted { $0.name < $1.name }
    }

    /// Names of agents dropped after they fell silent.
    public var lostAgents: [String] {
        lock.lock()
        defer { lock.unlock() }
        return agents.values.filter { $0.selected && $0.lost }.map(\.facts.name).sorted()
    }

    /// The version the agents announced (they agree: `waitForAgents` refuses agents that do not).
    public var expectedLibrdkafka: String? { agentFacts.first?.librdkafkaVersion }

    public var description: String {
        "agents (\(settings.strategy.rawValue)): " + agentFacts.map(\.summary).joined(separator: "; ")
    }

    private func waitForAgents() throws(RunError) {
        log("waiting up to \(settings.timeout) for \(settings.count) agent(s) on \(topics.reports)")
        let deadline = MonotonicClock.nanoseconds() + settings.timeout.nanoseconds
        while true {
            lock.lock()
            let free = agents.values.filter { ($0.run.isEmpty || $0.run == runId) && !$0.lost }.map(\.facts.name).sorted()
            let busy = agents.values.filter { !$0.run.isEmpty && $0.run != runId }.map { "\($0.facts.name) (held by run \($0.run))" }
            if free.count >= settings.count {
                for name in free.prefix(settings.count) { agents[name]?.selected = true }
                lock.unlock()
                renewLeases()
                for f in agentFacts { log("using agent \(f.summary)") }
                let versions = Set(agentFacts.map(\.librdkafkaVersion))
                if versions.count > 1 {
                    throw RunError(
                        "the agents run different librdkafka versions ("
                            + agentFacts.map { "\($0.name): \($0.librdkafkaVersion)" }.joined(separator: ", ")
                            + "): a run records one client version; start every agent with the same --librdkafka")
                }
                return
            }
            lock.unlock()
            if kbench_stop_signal() != 0 { throw RunError("interrupted while waiting for agents") }
            if MonotonicClock.nanoseconds() > deadline {
                throw RunError(
                    "only \(free.count) of \(settings.count) agent(s) announced themselves on \(topics.reports) within \(settings.timeout) (--agents-timeout)"
                        + (free.isEmpty ? "" : "; free: \(free.joined(separator: ", "))")
                        + (busy.isEmpty ? "" : "; busy: \(busy.joined(separator: ", "))")
                        + ". Start 'kbench agent --bootstrap …' on each host with the same --topic-prefix and key")
            }
            usleep(50_000)
        }
    }

    public func launch(name: String, runId: String) throws(RunError) -> WorkerProcess {
        lock.lock()
        let usable = agents.values.filter { $0.selected && !$0.lost }.sorted { $0.facts.name < $1.facts.name }
        var active: [String: Int] = [:]
        for w in workers.values where !w.hasExited { active[w.agent, default: 0] += 1 }
        let open = usable.filter { active[$0.facts.name, default: 0] < $0.facts.slots }
        let chosen: AgentState? =
            settings.strategy == .pack
            ? open.first : open.min { (active[$0.facts.name, default: 0], $0.facts.name) < (active[$1.facts.name, default: 0], $1.facts.name) }
        guard let agent = chosen else {
            let state = usable.map { "\($0.facts.name) \(active[$0.facts.name, default: 0])/\($0.facts.slots)" }.joined(separator: ", ")
            lock.unlock()
            throw RunError(
                "no agent has a free slot for consumer \(name): \(state.isEmpty ? "every agent was lost" : "busy/slots: \(state)")"
                    + (lostAgents.isEmpty ? "" : "; lost: \(lostAgents.joined(separator: ", "))"))
        }
        launchCount += 1
        let id = "\(name)-\(launchCount)"
        lock.unlock()
        var out: [Int32] = [0, 0], err: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &out) == 0 else {
            throw RunError("cannot create a socket pair for consumer \(name): \(String(cString: strerror(errno)))")
        }
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &err) == 0 else {
            Glibc.close(out[0]); Glibc.close(out[1])
            throw RunError("cannot create a socket pair for consumer \(name): \(String(cString: strerror(errno)))")
        }
        var size: Int32 = 4 << 20
        setsockopt(out[1], SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        let remote = RemoteWorker(id: id, name: name, agent: agent.facts.name, placement: self, stdoutWrite: out[1], stderrWrite: err[1])
        lock.lock()
        workers[id] = remote
        launched.append(remote)
        lock.unlock()
        return WorkerProcess(name: name, remote: remote, stdoutFd: out[0], stderrFd: err[0])
    }

    /// Where each consumer launched since the last call ran, and its "go" round trip.
    public func takeAssignments() -> [AgentAssignment] {
        lock.lock()
        defer {
            launched.removeAll()
            lock.unlock()
        }
        return launched.map { w in
            AgentAssignment(consumer: w.name, agent: w.agent, host: agents[w.agent]?.facts.host ?? "?", goRoundTripMs: w.goRoundTripMs)
        }
    }

    /// Releases every agent and stops the relay.
    public func close() {
        lock.lock()
        let first = !stopping
        stopping = true
        let selected = agents.values.filter(\.selected).map(\.facts.name)
        lock.unlock()
        guard first else { return }
        for name in selected { send(sender.make(.release, run: runId, from: "runner", to: name)) }
        if relay != nil { relayDone.wait() }
        channel.close()
    }

    // MARK: sending

    @discardableResult
    private func send(_ message: ControlMessage) -> Bool {
        sendLock.lock()
        defer { sendLock.unlock() }
        do {
            try channel.send(sender.encode(message))
            return true
        } catch {
            log("\(error)")
            return false
        }
    }

    func sendSpawn(_ worker: RemoteWorker, spec: WorkerSpec) -> Bool {
        var m = sender.make(.spawn, run: runId, from: "runner", to: worker.agent)
        m.worker = worker.id
        m.spec = spec
        return send(m)
    }

    /// Sends a command; returns the runner clock it was sent at.
    func sendCommand(_ worker: RemoteWorker, _ command: RunnerCommand) -> UInt64? {
        var m = sender.make(.command, run: runId, from: "runner", to: worker.agent)
        m.worker = worker.id
        m.command = command
        return send(m) ? m.sentNs : nil
    }

    func sendSimple(_ kind: ControlMessage.Kind, to worker: RemoteWorker) {
        var m = sender.make(kind, run: runId, from: "runner", to: worker.agent)
        m.worker = worker.id
        send(m)
    }

    private func renewLeases() {
        lock.lock()
        let names = agents.values.filter { $0.selected && !$0.lost }.map(\.facts.name)
        lock.unlock()
        for name in names {
            var m = sender.make(.lease, run: runId, from: "runner", to: name)
            m.leaseMs = settings.leaseMs
            send(m)
        }
    }

    // MARK: relay thread

    private func relayLoop(_ reader: ControlCodec) {
        var lastLeaseNs = MonotonicClock.nanoseconds()
        while true {
            lock.lock()
            let stop = stopping
            lock.unlock()
            if stop { return }
            let now = MonotonicClock.nanoseconds()
            if now - lastLeaseNs >= 1_000_000_000 {
                lastLeaseNs = now
                renewLeases()
            }
            for wire in channel.receive(timeoutMs: 5) {
                switch reader.decode(wire) {
                case .failure(let refusal): log("refused a report: \(refusal.reason)")
                case .success(let m): handle(m)
                }
            }
            checkSilence()
        }
    }

    private func handle(_ m: ControlMessage) {
        let now = MonotonicClock.nanoseconds()
        if m.kind == .announce, let facts = m.facts, facts.name == m.from, WorkerSpecPolicy.isName(facts.name, max: 64) {
            lock.lock()
            if var a = agents[facts.name] {
                a.facts = facts
                a.run = m.run
                a.lastSeenNs = now
                agents[facts.name] = a
            } else {
                agents[facts.name] = AgentState(facts: facts, run: m.run, lastSeenNs: now)
            }
            lock.unlock()
            return
        }
        guard m.run == runId else { return }
        lock.lock()
        if agents[m.from] != nil { agents[m.from]?.lastSeenNs = now }
        let worker = m.worker.flatMap { workers[$0] }
        lock.unlock()
        guard let worker, worker.agent == m.from else {
            if m.kind == .refused { log("agent \(m.from) refused a message: \(m.reason ?? "")") }
            return
        }
        switch m.kind {
        case .event:
            if let line = m.line { worker.deliver(line: line) }
        case .goReceived:
            if let rtt = worker.goConfirmed(atNs: now), rtt > settings.goBound.milliseconds {
                worker.fail(
                    "\"go\" reached consumer \(worker.name) on agent \(worker.agent) only after a \(String(format: "%.0f", rtt)) ms round trip, "
                        + "above the \(settings.goBound) bound (--agents-go-bound): its window could start that much later than the others'")
            }
        case .exited:
            worker.markExited(status: m.exitStatus ?? 1, description: m.exitDescription ?? "exited", stderrTail: m.stderrTail ?? "")
            forget(worker)
        case .refused:
            worker.fail("agent \(worker.agent) refused consumer \(worker.name): \(m.reason ?? "no reason given")")
            worker.markExited(status: 1, description: "refused by agent \(worker.agent)")
            forget(worker)
        default:
            break
        }
    }

    private func forget(_ worker: RemoteWorker) {
        lock.lock()
        workers[worker.id] = nil
        lock.unlock()
    }

    /// Drops agents that stopped announcing themselves; their workers fail their trial.
    private func checkSilence() {
        let now = MonotonicClock.nanoseconds()
        let bound = UInt64(settings.silenceMs) * 1_000_000
        lock.lock()
        var orphans: [(RemoteWorker, String)] = []
        for (name, a) in agents where a.selected && !a.lost && now - min(now, a.lastSeenNs) > bound {
            agents[name]?.lost = true
            let silent = Double(now - a.lastSeenNs) / 1e9
            let reason = "agent \(name) on \(a.facts.host) fell silent (no heartbeat for \(String(format: "%.1f", silent)) s): dropped from the placement"
            log(reason)
            for w in workers.values where w.agent == name { orphans.append((w, reason)) }
        }
        for (w, _) in orphans { workers[w.id] = nil }
        lock.unlock()
        for (w, reason) in orphans {
            w.fail("consumer \(w.name) lost: \(reason)")
            w.markExited(status: 9, description: "lost with agent \(w.agent)")
        }
    }
}
