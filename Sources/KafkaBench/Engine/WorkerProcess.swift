import CSupport
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A worker child process: spawned without a shell in its own process group (so a terminal's Ctrl-C reaches
/// only the runner, which ends its workers itself), with pipes for stdin, stdout and stderr.
///
/// A worker on an agent's host looks the same to the group (see `RemoteWorker`): its lines travel over Kafka and
/// arrive on local sockets; `pid` is then 0 and signals become control messages.
///
/// Thread: not Sendable; owned and used by the runner's one thread (through `WorkerGroup`).
public final class WorkerProcess {
    /// The consumer's name ("c03"), used in logs and failure reasons.
    public let name: String
    /// The child's process id; 0 for a worker on an agent's host.
    public let pid: pid_t
    /// The agent-side handle for a worker on an agent; nil for a local child.
    private let remote: RemoteWorker?
    /// The write end of the child's stdin (-1 once closed, and always for a remote worker).
    private var stdinFd: Int32
    /// The read ends of its stdout and stderr (non-blocking), polled by the group; owned and closed at EOF or in `deinit`.
    let stdoutFd: Int32
    let stderrFd: Int32
    /// Whether stdout and stderr are still open (they close on EOF).
    private var stdoutOpen = true
    private var stderrOpen = true
    /// Stdout bytes after the last complete line.
    private var pending: [UInt8] = []
    /// The last few KB of the worker's stderr, for failure reasons.
    public private(set) var stderrTail = ""
    /// With `KBENCH_WORKER_LOG_DIR` set, the whole of the worker's stderr (librdkafka's own log lines, e.g. with
    /// `-X debug=fetch,cgrp`) is copied to `<dir>/<worker>-<pid>.log` there (`<worker>-<agent>.log` for a worker on
    /// an agent, whose stderr is relayed here), for diagnosing a trial; nil otherwise.
    private var stderrLog: FileHandle?

    /// The environment variable naming the directory for workers' stderr logs (see `stderrLog`).
    public static let logDirectoryVariable = "KBENCH_WORKER_LOG_DIR"

    /// Opens the stderr log of worker `name` (`tag`: its pid, or its agent) when `KBENCH_WORKER_LOG_DIR` names a
    /// directory.
    private static func openLog(name: String, tag: String) -> FileHandle? {
        guard let dir = ProcessInfo.processInfo.environment[logDirectoryVariable], !dir.isEmpty else { return nil }
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = RelativePath.join(dir, "\(name)-\(tag).log")
        guard FileManager.default.createFile(atPath: path, contents: nil) else { return nil }
        return FileHandle(forWritingAtPath: path)
    }
    /// The raw `waitpid` status once reaped (a remote worker's as its agent reported it; 9 when the agent never
    /// confirmed); nil while running.
    public private(set) var exitStatus: Int32?
    /// The exit in words: "exited with status 1", "killed by signal 9".
    public private(set) var exitDescription: String?

    /// Writing to a worker that has exited must fail with EPIPE, not kill the runner: SIGPIPE is ignored in any
    /// process that starts workers (the commands also ignore it; this covers the library used on its own, as the
    /// tests do). Spawned workers get the default action back (`posix_spawnattr_setsigdefault` below).
    private static let brokenPipesFailWrites: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    /// Starts `executable args…`.
    public init(name: String, executable: String, arguments: [String]) throws(RunError) {
        Self.brokenPipesFailWrites
        self.name = name
        var inPipe: [Int32] = [0, 0], outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
        guard kbench_pipe_cloexec(&inPipe) == 0, kbench_pipe_cloexec(&outPipe) == 0, kbench_pipe_cloexec(&errPipe) == 0 else {
            throw RunError("cannot create pipes for worker \(name): \(String(cString: strerror(errno)))")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in [SIGINT, SIGTERM, SIGPIPE, SIGHUP] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigmask(&attr, &noSignals)
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setpgroup(&attr, 0)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, executable, &actions, &attr, argv, environ)
        close(inPipe[0]); close(outPipe[1]); close(errPipe[1])
        guard rc == 0 else {
            close(inPipe[1]); close(outPipe[0]); close(errPipe[0])
            throw RunError("cannot start worker \(name) (\(executable)): \(String(cString: strerror(rc)))")
        }
        pid = child
        remote = nil
        stdinFd = inPipe[1]
        stdoutFd = outPipe[0]
        stderrFd = errPipe[0]
        _ = fcntl(stdoutFd, F_SETFL, fcntl(stdoutFd, F_GETFL) | O_NONBLOCK)
        _ = fcntl(stderrFd, F_SETFL, fcntl(stderrFd, F_GETFL) | O_NONBLOCK)
        stderrLog = Self.openLog(name: name, tag: "\(child)")
    }

    /// A worker on an agent: `stdoutFd` and `stderrFd` are the local ends of the sockets its relayed output
    /// arrives on.
    init(name: String, remote: RemoteWorker, stdoutFd: Int32, stderrFd: Int32) {
        self.name = name
        self.remote = remote
        pid = 0
        stdinFd = -1
        self.stdoutFd = stdoutFd
        self.stderrFd = stderrFd
        _ = fcntl(stdoutFd, F_SETFL, fcntl(stdoutFd, F_GETFL) | O_NONBLOCK)
        _ = fcntl(stderrFd, F_SETFL, fcntl(stderrFd, F_GETFL) | O_NONBLOCK)
        stderrLog = Self.openLog(name: name, tag: "\(remote.agent)")
    }

    /// SIGKILLs a worker that is still running, waits for it, and closes every descriptor: no child outlives its handle.
    deinit {
        kill()
        reap(wait: true)
        try? stderrLog?.close()
        closeStdin()
        if stdoutOpen { close(stdoutFd) }
        if stderrOpen { close(stderrFd) }
    }

    /// Sends one line; false when the worker no longer reads (it exited).
    @discardableResult
    public func send(_ line: String) -> Bool {
        if let remote { return exitStatus == nil && remote.send(line) }
        guard stdinFd >= 0 else { return false }
        let bytes = Array((line + "\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(stdinFd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; return false }
            offset += n
        }
        return true
    }

    /// Closing stdin tells the worker to exit at once.
    public func closeStdin() {
        if let remote { return remote.endInput() }
        if stdinFd >= 0 { close(stdinFd); stdinFd = -1 }
    }

    /// SIGKILL (or a kill message to the agent); nothing once the exit is known.
    public func kill() {
        guard exitStatus == nil else { return }
        if let remote { remote.kill() } else { _ = Glibc.kill(pid, SIGKILL) }
    }

    /// Whether the exit status was collected (`reap`), not merely whether the process ended.
    public var hasExited: Bool { exitStatus != nil }
    /// The output descriptors still open, for the group's `poll`.
    var openOutputFds: [Int32] { (stdoutOpen ? [stdoutFd] : []) + (stderrOpen ? [stderrFd] : []) }

    /// Collects the exit status if the worker has ended (or waits for it with `wait`).
    @discardableResult
    public func reap(wait: Bool = false) -> Bool {
        if exitStatus != nil { return true }
        if let remote {
            guard let e = remote.exitInfo(waitNs: wait ? Self.remoteExitWaitNs : 0) else { return false }
            exitStatus = e.status
            exitDescription = e.description
            return true
        }
        var status: Int32 = 0
        let r = waitpid(pid, &status, wait ? 0 : WNOHANG)
        guard r == pid else { return false }
        exitStatus = status
        let signaled = (status & 0x7f) != 0 && (status & 0x7f) != 0x7f
        exitDescription = signaled ? "killed by signal \(status & 0x7f)" : "exited with status \((status >> 8) & 0xff)"
        return true
    }

    /// How long `reap(wait: true)` waits for an agent to confirm that a remote worker ended.
    static let remoteExitWaitNs: UInt64 = 10_000_000_000

    /// Reads what is available on `fd` and returns complete stdout lines.
    func drain(_ fd: Int32) -> [String] {
        var lines: [String] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                if fd == stdoutFd {
                    pending.append(contentsOf: buffer[0..<n])
                } else {
                    stderrLog?.write(Data(buffer[0..<n]))
                    stderrTail += String(decoding: buffer[0..<n], as: UTF8.self)
                    if stderrTail.utf8.count > 16384 { stderrTail = String(stderrTail.suffix(8192)) }
                }
                continue
            }
            if n == 0 {
                close(fd)
                if fd == stdoutFd { stdoutOpen = false } else { stderrOpen = false }
            } else if errno == EINTR {
                continue
            }
            break
        }
        if fd == stdoutFd {
            while let nl = pending.firstIndex(of: 0x0A) {
                lines.append(String(decoding: pending[..<nl], as: UTF8.self))
                pending.removeSubrange(...nl)
            }
        }
        return lines
    }
}
