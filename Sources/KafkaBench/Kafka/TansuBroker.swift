import CSupport
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Tansu, an independent Kafka-protocol broker (Apache-2.0, Rust: its own group coordinator, storage and admin
/// API), run by `kbench broker --engine tansu` as a child process on loopback with in-memory storage. kbench
/// reaches it like any real cluster, through `--bootstrap`: topics are created and deleted with the admin API.
///
/// It ends with its parent: it runs under `setpriv --pdeathsig KILL` (the kernel kills it if kbench dies) in its
/// own process group, and `stop()` (or deinit) sends SIGTERM, then SIGKILL, and reaps it. Its output goes to a
/// log file whose tail is shown when it fails to start.
///
/// Thread: not Sendable; the thread that started it must outlive it (the parent-death signal follows that thread).
public final class TansuBroker {
    /// `127.0.0.1:PORT`.
    public let bootstrapServers: String
    /// The binary's own version line ("tansu 0.6.0").
    public let version: String
    /// Tansu's stdout and stderr, in a temporary file removed by `stop()`.
    public let logPath: String
    /// The child's process id; 0 once stopped and reaped.
    private var pid: pid_t

    /// The oldest librdkafka that reads Tansu's ApiVersions response: before 2.2.0 librdkafka skipped one byte too
    /// few per tagged field (librdkafka #4278) and fails with "ApiVersionRequest failed: Local: Read underflow".
    public static let minimumLibrdkafka = LibrdkafkaRuntime.Version(2, 2, 0)

    /// Refuses a librdkafka that cannot talk to Tansu, saying what to pass instead.
    public static func checkClient() throws(UsageError) {
        guard !LibrdkafkaRuntime.isAtLeast(minimumLibrdkafka) else { return }
        throw UsageError(
            "librdkafka \(LibrdkafkaRuntime.version) cannot talk to Tansu: before \(minimumLibrdkafka) librdkafka misreads the tagged fields "
                + "of its ApiVersions response (librdkafka #4278; the client fails with \"ApiVersionRequest failed: Local: Read underflow\"); "
                + "run on a newer librdkafka: --librdkafka 2.16.0 (provisioned by scripts/deps)")
    }

    /// The Tansu binary: `$KBENCH_TANSU`, else the newest under `.build/tansu/` (provisioned by `scripts/deps`)
    /// beside this executable's build directory or the working directory's.
    public static func locate() throws(UsageError) -> String {
        if let path = ProcessInfo.processInfo.environment["KBENCH_TANSU"], !path.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: path) else { throw UsageError("KBENCH_TANSU=\(path) is not an executable file") }
            return path
        }
        let roots = LibrdkafkaSelection.defaultVersionRoots().map { ($0 as NSString).deletingLastPathComponent + "/tansu" }
        for root in roots {
            let versions = newestFirst((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            if let v = versions.first(where: { FileManager.default.isExecutableFile(atPath: "\(root)/\($0)/tansu") }) { return "\(root)/\(v)/tansu" }
        }
        throw UsageError("Tansu is not provisioned under .build/tansu/: run scripts/deps clients (or set KBENCH_TANSU to a tansu binary)")
    }

    /// Version directory names, newest first by number: as text, 0.10.0 would sort below 0.9.0.
    static func newestFirst(_ versions: [String]) -> [String] {
        versions.sorted {
            $0.split(separator: ".").map { Int($0) ?? 0 }.lexicographicallyPrecedes($1.split(separator: ".").map { Int($0) ?? 0 })
        }.reversed()
    }

    /// Starts Tansu on a free loopback port and waits until it answers a metadata request.
    public init(startTimeoutMs: Int32 = 10_000) throws(UsageError) {
        try Self.checkClient()
        let binary = try Self.locate()
        version = Self.versionLine(binary)
        let port = try Self.freePort()
        bootstrapServers = "127.0.0.1:\(port)"
        logPath = NSTemporaryDirectory() + "kbench-tansu-\(getpid())-\(port).log"
        let url = "tcp://127.0.0.1:\(port)"
        pid = try Self.spawn(
            [
                "/usr/bin/setpriv", "--pdeathsig", "KILL", "--", binary, "broker", "--listener-url", url, "--advertised-listener-url", url,
                "--storage-engine", "memory://tansu/",
            ],
            log: logPath)
        let deadline = MonotonicClock.nanoseconds() + UInt64(startTimeoutMs) * 1_000_000
        while true {
            if (try? KafkaAdmin(config: KafkaConfig(["bootstrap.servers": bootstrapServers])).metadata(timeoutMs: 500)) != nil { return }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                pid = 0
                throw UsageError("Tansu exited while starting: \(logTail())")
            }
            if MonotonicClock.nanoseconds() > deadline {
                stop()
                throw UsageError("Tansu did not answer on \(bootstrapServers) within \(startTimeoutMs) ms: \(logTail())")
            }
            Sleep.milliseconds(50)
        }
    }

    /// Stops and reaps Tansu if `stop()` was not called.
    deinit { stop() }

    /// Ends Tansu: SIGTERM, up to 2 s to exit, then SIGKILL; always reaped.
    public func stop() {
        guard pid > 0 else { return }
        kill(pid, SIGTERM)
        var status: Int32 = 0
        for _ in 0..<40 {
            if waitpid(pid, &status, WNOHANG) == pid { pid = 0; break }
            Sleep.milliseconds(50)
        }
        if pid > 0 {
            kill(pid, SIGKILL)
            waitpid(pid, &status, 0)
            pid = 0
        }
        try? FileManager.default.removeItem(atPath: logPath)
    }

    /// The log's last five lines joined by " | " (at most 800 characters), for a failure to start.
    private func logTail() -> String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        let tail = text.split(separator: "\n").suffix(5).joined(separator: " | ")
        return tail.isEmpty ? "no output" : String(tail.prefix(800))
    }

    /// The first line `binary --version` prints.
    private static func versionLine(_ binary: String) -> String {
        let pipe = Pipe()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = ["--version"]
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return "tansu" }
        p.waitUntilExit()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "tansu" : text
    }

    /// A loopback port nobody listens on now (bound and released; Tansu binds it a moment later).
    private static func freePort() throws(UsageError) -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw UsageError("cannot open a socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard bound else { throw UsageError("cannot find a free loopback port: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// posix_spawn in its own process group, stdin from /dev/null, stdout and stderr to `log`.
    private static func spawn(_ argv: [String], log: String) throws(UsageError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        posix_spawnattr_setpgroup(&attr, 0)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETPGROUP))
        let cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for a in cArgs { free(a) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, argv[0], &actions, &attr, cArgs, environ)
        guard rc == 0 else { throw UsageError("cannot start Tansu (\(argv[0])): \(String(cString: strerror(rc)))") }
        return child
    }
}
