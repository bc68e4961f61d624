import CSupport
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The consumer processes of one trial and what each has reported, multiplexed with poll(2) on the runner's
/// thread: events in, commands out, and a guaranteed end (stop, kill, reap) however the trial goes.
///
/// Thread: not Sendable; one runner thread owns it. `shutdown`/`killAll` are the one implementation of
/// "no worker outlives its trial".
public final class WorkerGroup {
    /// One worker and the state its events have built up.
    /// Updated only by `pump` (and `stop`/`kill`) on the runner's thread; modes read it between pumps.
    public struct Member {
        /// The consumer's name ("c03"); a restarted consumer's new member has the same name.
        public let name: String
        /// Its process (local child or agent-hosted), owned by the group through `members`.
        public let process: WorkerProcess
        /// CLOCK_MONOTONIC nanoseconds when it was started.
        public let spawnNs: UInt64
        /// Its whole assignment after the last change; nil until it reports one.
        public var assignment: [TopicPartition]?
        /// Its totals, once it sent its `final` event; nil when it ended without one.
        public var final: WorkerFinal?
        /// The last error it reported.
        public var lastError: String?
        /// The librdkafka properties its consumer applied (secrets masked), from its `ready` event.
        public var appliedProperties: [String: String]?
        /// The librdkafka version it loaded, from its `ready` event.
        public var librdkafka: String?
        /// The group protocol of its spec (the consumer protocol's idle members report no assignment).
        public let groupProtocol: GroupProtocol
        /// Set when the runner itself ended it (stop, kill): its exit is then expected.
        public var endedByRunner = false
        /// Set once its exit has been reported by `unexpectedExits()`.
        var exitReported = false
    }

    public private(set) var members: [Member] = []
    /// When any member's assignment last changed (CLOCK_MONOTONIC nanoseconds).
    public private(set) var lastAssignmentChangeNs: UInt64 = MonotonicClock.nanoseconds()
    /// Where workers start: child processes on this host, or agents.
    private let placement: any WorkerPlacement
    /// Passed to every worker (`--run-id`), so an agent keeps runs apart.
    private let runId: String
    /// Reused for every event line read and every command written.
    private let decoder = JSONDecoder()
    private let encoder = JSONEncoder()

    /// An empty group; `spawn` adds members.
    public init(placement: any WorkerPlacement, runId: String) {
        self.placement = placement
        self.runId = runId
    }

    /// The name of the `number`th consumer (1-based): "c01", "c02", …
    public static func consumerName(_ number: Int) -> String { String(format: "c%02d", number) }

    /// Starts a worker and sends it its spec; returns its index.
    @discardableResult
    public func spawn(_ spec: WorkerSpec) throws(RunError) -> Int {
        let process = try placement.launch(name: spec.name, runId: runId)
        members.append(
            Member(
                name: spec.name, process: process, spawnNs: MonotonicClock.nanoseconds(),
                groupProtocol: spec.properties["group.protocol"] == "consumer" ? .consumer : .classic))
        let line: String
        do { line = String(decoding: try encoder.encode(spec), as: UTF8.self) } catch {
            throw RunError("cannot encode the spec of worker \(spec.name): \(error)")
        }
        process.send(line)
        return members.count - 1
    }

    /// Sends a command to one worker.
    public func send(_ command: RunnerCommand, to index: Int) {
        if !members[index].process.hasExited { members[index].process.send(line(command)) }
    }

    /// Sends a command to every worker still running, in member order (one line each, no acknowledgement).
    public func broadcast(_ command: RunnerCommand) {
        let text = line(command)
        for m in members where !m.process.hasExited { m.process.send(text) }
    }

    /// Asks one worker to leave the group cleanly; its exit is expected from now on.
    public func stop(_ index: Int) {
        members[index].endedByRunner = true
        send(RunnerCommand(cmd: .stop), to: index)
    }

    /// SIGKILLs one worker (no leave-group, no commit); its exit is expected from now on.
    public func kill(_ index: Int) {
        members[index].endedByRunner = true
        members[index].process.kill()
    }

    /// A command as one JSON line (without the newline).
    private func line(_ command: RunnerCommand) -> String {
        String(decoding: (try? encoder.encode(command)) ?? Data(), as: UTF8.self)
    }

    /// Waits up to `timeoutMs` for output, applies the events to the members' state and returns them as
    /// (member index, event). Lines that are not events (e.g. a crash trace on stdout) become error events.
    @discardableResult
    public func pump(timeoutMs: Int32) -> [(Int, WorkerEvent)] {
        var fds: [pollfd] = []
        var owners: [Int] = []
        for (i, m) in members.enumerated() {
            for fd in m.process.openOutputFds {
                fds.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0))
                owners.append(i)
            }
        }
        var events: [(Int, WorkerEvent)] = []
        if fds.isEmpty {
            usleep(UInt32(max(0, timeoutMs)) * 1000)
        } else if poll(&fds, nfds_t(fds.count), timeoutMs) > 0 {
            for (k, p) in fds.enumerated() where p.revents != 0 {
                for text in members[owners[k]].process.drain(p.fd) where !text.isEmpty {
                    if let ev = try? decoder.decode(WorkerEvent.self, from: Data(text.utf8)) {
                        events.append((owners[k], ev))
                    } else {
                        var ev = WorkerEvent(event: .error)
                        ev.message = "unexpected output: \(text.prefix(200))"
                        ev.fatal = false
                        events.append((owners[k], ev))
                    }
                }
            }
        }
        for (i, ev) in events { apply(ev, to: i) }
        for m in members { m.process.reap() }
        return events + versionMismatches(in: events)
    }

    /// A fatal error event for each worker in `events` whose `ready` names another librdkafka than the
    /// placement expects, or than the group's first worker: a run records one client version, and a worker
    /// must never run another one silently.
    private func versionMismatches(in events: [(Int, WorkerEvent)]) -> [(Int, WorkerEvent)] {
        var out: [(Int, WorkerEvent)] = []
        for (i, ev) in events where ev.event == .ready {
            let reported = ev.librdkafka ?? "unknown"
            let reference: (version: String, whose: String)?
            if let expected = placement.expectedLibrdkafka {
                reference = (expected, "this run's (\(placement.description))")
            } else if let first = members.first(where: { $0.librdkafka != nil }), first.name != members[i].name {
                reference = (first.librdkafka!, "\(first.name)'s")
            } else {
                reference = nil
            }
            guard let reference, reference.version != reported else { continue }
            var failure = WorkerEvent(event: .error)
            failure.fatal = true
            failure.message =
                "it runs librdkafka \(reported), but \(reference.whose) is librdkafka \(reference.version): every process of a run must load "
                + "the same librdkafka (select it with --librdkafka or KBENCH_LIBRDKAFKA, for the runner and for every agent)"
            out.append((i, failure))
        }
        return out
    }

    /// Updates member `i` from one event: its applied properties and version, its assignment (and the group's time of
    /// last change), its totals or its last error.
    private func apply(_ ev: WorkerEvent, to i: Int) {
        switch ev.event {
        case .ready:
            members[i].appliedProperties = ev.properties
            members[i].librdkafka = ev.librdkafka
        case .assignment:
            members[i].assignment = ev.partitions ?? []
            lastAssignmentChangeNs = MonotonicClock.nanoseconds()
        case .final: if let f = ev.final { members[i].final = f }
        case .error: members[i].lastError = ev.message
        case .progress, .groupState: break
        }
    }

    /// The first fatal error a worker reported in `events`, as a failure reason.
    public func fatalError(in events: [(Int, WorkerEvent)]) -> String? {
        for (i, ev) in events where ev.event == .error && ev.fatal == true {
            return "consumer \(members[i].name) failed: \(ev.message ?? "unknown error")"
        }
        return nil
    }

    /// Workers that exited on their own since the last call (not ended by the runner), with a reason each.
    /// `beforeFinal`: count only those that exited before sending their final result.
    public func unexpectedExits(beforeFinal: Bool = false) -> [(index: Int, reason: String)] {
        var out: [(Int, String)] = []
        for i in members.indices where members[i].process.hasExited && !members[i].exitReported && !members[i].endedByRunner {
            if beforeFinal && members[i].final != nil { continue }
            members[i].exitReported = true
            let m = members[i]
            let lines = m.process.stderrTail.split(separator: "\n")
            let crash = lines.first { $0.contains("Fatal error") || $0.contains("Assertion") || $0.contains("crashed:") }
            let detail = m.lastError ?? (crash ?? lines.last).map(String.init) ?? ""
            out.append(
                (
                    i,
                    "consumer \(m.name) \(m.process.exitDescription ?? "exited")"
                        + (beforeFinal ? " before finishing" : " unexpectedly") + (detail.isEmpty ? "" : ": \(detail)")
                ))
        }
        return out
    }

    /// Ends every worker: "stop", then up to `graceMs` for them to exit on their own, then SIGKILL; always reaps.
    /// Returns the events that arrived meanwhile (already applied). A worker's last lines (its final result) are
    /// often still in the pipe when it exits: its output is read to the end, not just until the exit.
    @discardableResult
    public func shutdown(graceMs: Int) -> [(Int, WorkerEvent)] {
        var events: [(Int, WorkerEvent)] = []
        for i in members.indices { members[i].endedByRunner = true }
        broadcast(RunnerCommand(cmd: .stop))
        let deadline = MonotonicClock.nanoseconds() + UInt64(graceMs) * 1_000_000
        while members.contains(where: { !$0.process.hasExited || !$0.process.openOutputFds.isEmpty }) && MonotonicClock.nanoseconds() < deadline {
            events += pump(timeoutMs: 20)
        }
        killAll()
        return events
    }

    /// SIGKILLs and reaps every worker still running.
    public func killAll() {
        for m in members where !m.process.hasExited { m.process.kill() }
        for m in members {
            m.process.reap(wait: true)
            m.process.closeStdin()
        }
    }
}
