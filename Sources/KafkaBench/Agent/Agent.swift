import CSupport
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `kbench agent`: runs a runner's workers on this host. It reads authenticated messages from the control topic,
/// starts nothing but its own binary's `worker` subcommand with a spec it checked field by field, relays the
/// workers' lines to the reports topic (times translated to the runner's clock), and ends its workers when the
/// runner releases it or stops renewing its lease. Its workers die with it (parent-death signal).
///
/// Thread: `run` owns everything on the calling thread.
public final class Agent {
    /// How an agent is set up.
    /// Built by `kbench agent` from its own command line; nothing in it ever comes from a control message.
    public struct Options: Sendable {
        /// The agent's name: runners address it by this (`to`), and its workers' reports carry it (`from`).
        public var name: String
        /// How many workers it runs at once; a spawn beyond that is refused.
        public var slots: Int
        /// The control topic it reads and the reports topic it writes.
        public var topics: ControlTopics
        /// The cluster and the agent's own librdkafka properties (connection, files, credentials): they win over
        /// anything a spec carries.
        public var config: KafkaConfig
        /// The shared key that signs and checks every control message.
        public var key: AgentKey
        /// The kbench binary whose `worker` subcommand it runs.
        public var executable: String
        /// How long `init` waits for the cluster, ms.
        public var connectTimeoutMs: Int32 = 10_000

        /// The options with the default connect timeout.
        public init(name: String, slots: Int, topics: ControlTopics, config: KafkaConfig, key: AgentKey, executable: String) {
            self.name = name; self.slots = slots; self.topics = topics; self.config = config; self.key = key
            self.executable = executable
        }
    }

    /// A worker this agent started.
    /// Lives in `workers` on the agent's one thread from its spawn until its exit was reported and its output drained.
    final class Worker {
        /// The worker's id within its run, as the runner named it in the spawn.
        let id: String
        /// The run that spawned it; a message of another run cannot reach it.
        let run: String
        let process: WorkerProcess
        /// Maps times between the runner's monotonic clock and this host's: set at spawn, set again at "go" from that
        /// command's send time.
        var anchor: ClockAnchor
        /// When the worker, told to end, gets SIGKILL if still running (local monotonic ns); nil until it is ended.
        var killAtNs: UInt64?

        init(id: String, run: String, process: WorkerProcess, anchor: ClockAnchor) {
            self.id = id; self.run = run; self.process = process; self.anchor = anchor
        }
    }

    /// How often the agent announces itself (its facts and running workers) on the reports topic: every second.
    public static let heartbeatNs: UInt64 = 1_000_000_000
    /// How long an ended worker gets to exit before SIGKILL.
    static let endGraceNs: UInt64 = 3_000_000_000

    /// The agent's own settings, fixed when it starts.
    private let options: Options
    /// Where the agent's own log lines go (the command prints them to stderr).
    private let log: (String) -> Void
    /// Checks what the agent reads; its nonce cache refuses a replayed message.
    private let codec: ControlCodec
    /// Makes and signs what the agent sends.
    private let sender: ControlCodec
    /// Reads the control topic and writes the reports topic; owned, closed when `run` ends its workers.
    private let channel: ControlChannel
    /// Workers started and not yet reported as exited (an exited one stays until its output is drained).
    private var workers: [Worker] = []
    /// The run that holds the agent, and until when (local monotonic ns): only it may spawn, and another run's lease is
    /// refused until this one expires or is released.
    private var leaseRun: String?
    private var leaseEndNs: UInt64 = 0
    /// When the agent last announced itself (local monotonic ns); it announces every `heartbeatNs`.
    private var lastAnnounceNs: UInt64 = 0
    /// What the agent tells runners about itself: host, cores, memory, slots and versions.
    public let facts: AgentFacts

    /// Connects to the cluster and opens the control topics (creating them when missing).
    public init(options: Options, log: @escaping (String) -> Void) throws(RunError) {
        self.options = options
        self.log = log
        codec = ControlCodec(key: options.key)
        sender = ControlCodec(key: options.key)
        channel = try ControlChannel(
            config: options.config, sendTo: options.topics.reports, receiveFrom: options.topics.control,
            connectTimeoutMs: options.connectTimeoutMs)
        let host = RunMetadata.currentHost()
        facts = AgentFacts(
            name: options.name, host: host.hostname, cores: host.cores, memoryGib: host.memoryGib, slots: options.slots,
            kbenchVersion: KBenchVersion.string, librdkafkaVersion: LibrdkafkaRuntime.version)
    }

    /// Serves until `shouldStop` returns true; then ends every worker.
    public func run(shouldStop: () -> Bool) {
        log("agent \(facts.summary) reading \(options.topics.control), reporting to \(options.topics.reports)")
        defer { endAll(reason: "the agent is stopping", graceNs: 2_000_000_000) }
        while !shouldStop() {
            let now = MonotonicClock.nanoseconds()
            if now - lastAnnounceNs >= Self.heartbeatNs {
                lastAnnounceNs = now
                var m = sender.make(.announce, run: leaseRun ?? "", from: options.name)
                m.facts = facts
                m.running = workers.count
                send(m)
            }
            if let run = leaseRun, now > leaseEndNs {
                log("the lease of run \(run) expired (runner gone?): ending its \(workers.filter { $0.run == run }.count) worker(s)")
                end(run: run, graceNs: 0)
                leaseRun = nil
            }
            for wire in channel.receive(timeoutMs: workers.isEmpty ? 50 : 2) { handle(wire) }
            pumpWorkers(timeoutMs: workers.isEmpty ? 0 : 3)
        }
    }

    /// Signs and sends one report; a failure is logged and dropped (the runner's lease and timeouts cover a lost one).
    private func send(_ message: ControlMessage) {
        do { try channel.send(sender.encode(message)) } catch { log("cannot report: \(error)") }
    }

    /// Checks and carries out one message from the control topic.
    func handle(_ wire: [UInt8]) {
        let receivedNs = MonotonicClock.nanoseconds()
        let message: ControlMessage
        switch codec.decode(wire) {
        case .failure(let refusal):
            log("refused a control message: \(refusal.reason)")
            return
        case .success(let m):
            message = m
        }
        guard message.to == options.name else { return }
        guard message.from == "runner", WorkerSpecPolicy.isName(message.run, max: 64) else {
            return refuse(message, "the sender and run id must be 'runner' and 1 to 64 of [A-Za-z0-9_-]")
        }
        switch message.kind {
        case .lease:
            if let held = leaseRun, held != message.run, receivedNs <= leaseEndNs {
                return refuse(message, "this agent is held by run \(held)")
            }
            if leaseRun != message.run { log("held by run \(message.run)") }
            leaseRun = message.run
            leaseEndNs = receivedNs + UInt64(max(1_000, min(message.leaseMs ?? 5_000, 60_000))) * 1_000_000
        case .spawn:
            spawn(message, receivedNs: receivedNs)
        case .command:
            guard let w = worker(message), let command = message.command, let sentNs = message.sentNs else {
                return refuse(message, "a command needs a known worker of the run, a command and a send time")
            }
            if command.cmd == .go { w.anchor = ClockAnchor(runnerNs: sentNs, localNs: receivedNs) }
            w.process.send(Self.line(w.anchor.toLocal(command)))
            if command.cmd == .go {
                var ack = sender.make(.goReceived, run: w.run, from: options.name)
                ack.worker = w.id
                send(ack)
            }
        case .end:
            if let w = worker(message) { w.process.closeStdin() }
        case .kill:
            if let w = worker(message) { w.process.kill() }
        case .release:
            log("released by run \(message.run)")
            end(run: message.run, graceNs: Self.endGraceNs)
            if leaseRun == message.run { leaseRun = nil }
        case .announce, .event, .exited, .goReceived, .refused:
            refuse(message, "\(message.kind.rawValue) is not a runner message")
        }
    }

    /// The worker a message names, only among the message's run's workers.
    private func worker(_ message: ControlMessage) -> Worker? {
        workers.first { $0.id == message.worker && $0.run == message.run }
    }

    /// Starts a worker after checking the lease, the id, the spec (`WorkerSpecPolicy`), uniqueness and a free slot. The
    /// agent's own librdkafka properties win over the spec's; the spec goes to the worker on its stdin.
    private func spawn(_ message: ControlMessage, receivedNs: UInt64) {
        guard leaseRun == message.run, receivedNs <= leaseEndNs else {
            return refuse(message, "run \(message.run) holds no lease on this agent")
        }
        guard let id = message.worker, WorkerSpecPolicy.isName(id, max: 64), let spec = message.spec, let sentNs = message.sentNs else {
            return refuse(message, "a spawn needs a worker id (1 to 64 of [A-Za-z0-9_-]), a spec and a send time")
        }
        if let problem = WorkerSpecPolicy.problem(with: spec) { return refuse(message, "spec refused: \(problem)") }
        guard !workers.contains(where: { $0.id == id }) else { return refuse(message, "worker \(id) already runs") }
        guard workers.count < options.slots else { return refuse(message, "all \(options.slots) slots are busy") }
        var local = spec
        local.properties = spec.properties.merging(options.config.properties) { _, own in own }
        let process: WorkerProcess
        do {
            process = try WorkerProcess(name: id, executable: options.executable, arguments: ["worker", "--run-id", message.run])
        } catch {
            return refuse(message, "cannot start a worker: \(error)")
        }
        guard let data = try? JSONEncoder().encode(local) else { return refuse(message, "cannot encode the spec") }
        process.send(String(decoding: data, as: UTF8.self))
        workers.append(Worker(id: id, run: message.run, process: process, anchor: ClockAnchor(runnerNs: sentNs, localNs: receivedNs)))
        log("started worker \(id) (\(spec.name)) of run \(message.run), pid \(process.pid)")
    }

    /// Logs a refusal and tells the runner why, naming the worker the message was about.
    private func refuse(_ message: ControlMessage, _ reason: String) {
        log("refused \(message.kind.rawValue) from run \(message.run.prefix(64)): \(reason)")
        var r = sender.make(.refused, run: message.run, from: options.name)
        r.worker = message.worker
        r.reason = reason
        send(r)
    }

    /// One JSON line (without newline) for a worker's stdin or a relayed event; "" when it cannot be encoded.
    private static func line<T: Encodable>(_ value: T) -> String {
        String(decoding: (try? JSONEncoder().encode(value)) ?? Data(), as: UTF8.self)
    }

    /// Relays what workers wrote, reports those that ended, and SIGKILLs those past their end grace.
    private func pumpWorkers(timeoutMs: Int32) {
        var fds: [pollfd] = []
        var owners: [Worker] = []
        for w in workers {
            for fd in w.process.openOutputFds {
                fds.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0))
                owners.append(w)
            }
        }
        if !fds.isEmpty, poll(&fds, nfds_t(fds.count), timeoutMs) > 0 {
            let decoder = JSONDecoder()
            for (k, p) in fds.enumerated() where p.revents != 0 {
                let w = owners[k]
                for text in w.process.drain(p.fd) where !text.isEmpty {
                    var m = sender.make(.event, run: w.run, from: options.name)
                    m.worker = w.id
                    if let ev = try? decoder.decode(WorkerEvent.self, from: Data(text.utf8)) {
                        m.line = Self.line(w.anchor.toRunner(ev))
                    } else {
                        m.line = Secrets.scrub(String(text.prefix(2000)), in: options.config)
                    }
                    send(m)
                }
            }
        }
        let now = MonotonicClock.nanoseconds()
        for w in workers {
            if let at = w.killAtNs, now >= at { w.process.kill() }
            w.process.reap()
        }
        for w in workers where w.process.hasExited && w.process.openOutputFds.isEmpty {
            var m = sender.make(.exited, run: w.run, from: options.name)
            m.worker = w.id
            m.exitStatus = w.process.exitStatus
            m.exitDescription = w.process.exitDescription
            m.stderrTail = Secrets.scrub(String(w.process.stderrTail.suffix(2000)), in: options.config)
            send(m)
            log("worker \(w.id) of run \(w.run) \(w.process.exitDescription ?? "ended")")
        }
        workers.removeAll { $0.process.hasExited && $0.process.openOutputFds.isEmpty }
    }

    /// Ends the workers of `run`: closes their input now and SIGKILLs those still running after `graceNs`.
    private func end(run: String, graceNs: UInt64) {
        let at = MonotonicClock.nanoseconds() + graceNs
        for w in workers where w.run == run {
            w.process.closeStdin()
            if graceNs == 0 { w.process.kill() } else { w.killAtNs = min(w.killAtNs ?? at, at) }
        }
    }

    /// Ends every worker and waits for them (used when the agent stops).
    private func endAll(reason: String, graceNs: UInt64) {
        guard !workers.isEmpty else { return }
        log("\(reason): ending \(workers.count) worker(s)")
        for w in workers { w.process.closeStdin() }
        let deadline = MonotonicClock.nanoseconds() + graceNs
        while workers.contains(where: { !$0.process.hasExited }) && MonotonicClock.nanoseconds() < deadline {
            pumpWorkers(timeoutMs: 20)
        }
        for w in workers {
            w.process.kill()
            w.process.reap(wait: true)
        }
        pumpWorkers(timeoutMs: 0)
        channel.close()
    }
}
