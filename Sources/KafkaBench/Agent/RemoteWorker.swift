import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The runner's handle of one worker that runs on an agent. `WorkerProcess` wraps it so that `WorkerGroup`
/// cannot tell it from a local child: lines sent become control messages, and the agent's relayed event lines
/// arrive on a local socket the group polls like a child's stdout.
///
/// Sendable: its state is behind `lock`, its relay sockets behind `writeLock`; the runner's thread sends, the relay
/// thread delivers. The two locks are separate so that a relay write blocked on a full socket (the runner is not
/// reading it at that moment) never holds up the runner's own calls, which would then never come back to read it.
final class RemoteWorker: @unchecked Sendable {
    /// Unique within the run (consumer names repeat from trial to trial): "c03-17".
    let id: String
    /// The consumer's name in results ("c03").
    let name: String
    /// The agent that runs it; every message for the worker goes to that agent.
    let agent: String
    /// Strong: a worker handle may outlive a trial; the placement forgets it once it exits.
    private let placement: AgentPlacement
    /// Guards every `var` below except the sockets: the runner's thread and the relay thread both touch them.
    private let lock = NSLock()
    /// Serializes writes to the relay sockets and their closing (`socketsClosed`); never held while taking `lock`.
    private let writeLock = NSLock()
    /// Whether the relay sockets were closed (guarded by `writeLock`).
    private var socketsClosed = false
    /// Whether the first line (the spec) went out: later lines are commands.
    private var specSent = false
    /// Whether `end` and `kill` were sent, so each goes out at most once.
    private var inputEnded = false
    /// Whether a kill went out: `kill` sends it at most once.
    private var killSent = false
    /// How the worker ended, once the agent reported it (or the wait for it gave up).
    private var exit: (status: Int32, description: String, stderrTail: String)?
    /// The relay's ends of the worker's stdout and stderr sockets (closed once, see `socketsClosed`).
    private let stdoutWrite: Int32
    private let stderrWrite: Int32
    /// Runner clock when "go" was sent, and the round trip until the agent confirmed handing it over (ms).
    private(set) var goSentNs: UInt64?
    private(set) var goRoundTripMs: Double?

    /// Takes ownership of the relay's socket ends; they are closed when the worker exits, or in `deinit`.
    init(id: String, name: String, agent: String, placement: AgentPlacement, stdoutWrite: Int32, stderrWrite: Int32) {
        self.id = id; self.name = name; self.agent = agent; self.placement = placement
        self.stdoutWrite = stdoutWrite; self.stderrWrite = stderrWrite
    }

    /// The first line is the worker's spec (sent as a spawn), the others runner commands.
    func send(_ line: String) -> Bool {
        lock.lock()
        let first = !specSent
        specSent = true
        let ended = inputEnded || exit != nil
        lock.unlock()
        if ended { return false }
        if first {
            guard let spec = try? JSONDecoder().decode(WorkerSpec.self, from: Data(line.utf8)) else { return false }
            return placement.sendSpawn(self, spec: WorkerSpecPolicy.stripped(spec))
        }
        guard let command = try? JSONDecoder().decode(RunnerCommand.self, from: Data(line.utf8)) else { return false }
        guard let sentNs = placement.sendCommand(self, command) else { return false }
        if command.cmd == .go {
            lock.lock()
            goSentNs = sentNs
            lock.unlock()
        }
        return true
    }

    /// Like closing a child's stdin: asks the agent, once, to end the worker's input (it then exits).
    func endInput() {
        lock.lock()
        let first = !inputEnded && exit == nil
        inputEnded = true
        lock.unlock()
        if first { placement.sendSimple(.end, to: self) }
    }

    /// Asks the agent, once, to SIGKILL the worker.
    func kill() {
        lock.lock()
        let first = !killSent && exit == nil
        killSent = true
        lock.unlock()
        if first { placement.sendSimple(.kill, to: self) }
    }

    /// Whether the agent reported the worker's exit (or the wait for it gave up).
    var hasExited: Bool {
        lock.lock()
        defer { lock.unlock() }
        return exit != nil
    }

    /// The exit once known; with `waitNs`, waits up to that long for it, then records the worker as unconfirmed.
    func exitInfo(waitNs: UInt64 = 0) -> (status: Int32, description: String, stderrTail: String)? {
        let deadline = MonotonicClock.nanoseconds() + waitNs
        while true {
            lock.lock()
            let e = exit
            lock.unlock()
            if let e { return e }
            if MonotonicClock.nanoseconds() >= deadline { break }
            usleep(10_000)
        }
        guard waitNs > 0 else { return nil }
        markExited(status: 9, description: "not confirmed ended by agent \(agent) within \(waitNs / 1_000_000_000) s (agent unreachable?)")
        return exitInfo()
    }

    /// Relay thread: a line the worker wrote.
    func deliver(line: String) {
        writeLock.lock()
        defer { writeLock.unlock() }
        if !socketsClosed { write(line + "\n", to: stdoutWrite) }
    }

    /// Relay thread: the agent confirmed "go"; returns the round trip (ms).
    func goConfirmed(atNs now: UInt64) -> Double? {
        lock.lock()
        defer { lock.unlock() }
        guard let sent = goSentNs, goRoundTripMs == nil else { return nil }
        goRoundTripMs = Double(now - min(now, sent)) / 1e6
        return goRoundTripMs
    }

    /// Relay thread: reports a fatal error as if the worker had written it (the engine then fails the trial).
    func fail(_ reason: String) {
        var ev = WorkerEvent(event: .error)
        ev.message = reason
        ev.fatal = true
        if let data = try? JSONEncoder().encode(ev) { deliver(line: String(decoding: data, as: UTF8.self)) }
    }

    /// Relay thread (or a bounded wait on the runner's thread): the worker ended; closes its sockets, so the group sees
    /// EOF. On the runner's thread (no stderr tail) a relay write may be blocked on a full socket that the waiting
    /// runner does not read: the sockets are shut down first, which ends that write, so the wait cannot hang.
    func markExited(status: Int32, description: String, stderrTail: String = "") {
        lock.lock()
        guard exit == nil else {
            lock.unlock()
            return
        }
        exit = (status, description, stderrTail)
        lock.unlock()
        if stderrTail.isEmpty {
            _ = shutdown(stdoutWrite, Int32(SHUT_WR))
            _ = shutdown(stderrWrite, Int32(SHUT_WR))
        }
        writeLock.lock()
        defer { writeLock.unlock() }
        guard !socketsClosed else { return }
        if !stderrTail.isEmpty { write(stderrTail, to: stderrWrite) }
        close(stdoutWrite)
        close(stderrWrite)
        socketsClosed = true
    }

    /// Writes all of `text` to a relay socket (no SIGPIPE; a shut-down socket drops it). Called with `writeLock` held.
    private func write(_ text: String, to fd: Int32) {
        guard fd >= 0 else { return }
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 { if errno == EINTR { continue }; return }
            offset += n
        }
    }

    /// Closes the socket ends still open, so the group sees EOF even when no exit was reported.
    deinit {
        if !socketsClosed {
            close(stdoutWrite)
            close(stderrWrite)
        }
    }
}
