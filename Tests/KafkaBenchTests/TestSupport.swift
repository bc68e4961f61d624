import Foundation
import Testing

@testable import KafkaBench

/// Helpers shared by the tests: the kbench binary, subprocesses with deadlines, and kcat.
enum TestSupport {
    /// The kbench executable built beside the test bundle.
    static func kbenchPath() throws -> String { try WorkerLauncher.executablePath() }

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
        var seconds: Double
    }

    /// Runs a program to completion (killed after `timeout` seconds) and captures its output.
    @discardableResult
    static func run(
        _ executable: String, _ arguments: [String], timeout: Double = 60, environment: [String: String]? = nil,
        currentDirectory: String? = nil
    ) throws -> Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        if let environment { p.environment = ProcessInfo.processInfo.environment.merging(environment) { _, n in n } }
        if let currentDirectory { p.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        let outFile = tempPath("out"), errFile = tempPath("err")
        defer { for f in [outFile, errFile] { try? FileManager.default.removeItem(atPath: f) } }
        FileManager.default.createFile(atPath: outFile, contents: nil)
        FileManager.default.createFile(atPath: errFile, contents: nil)
        p.standardOutput = FileHandle(forWritingAtPath: outFile)
        p.standardError = FileHandle(forWritingAtPath: errFile)
        p.standardInput = FileHandle.nullDevice
        let start = Date()
        try p.run()
        while p.isRunning && Date().timeIntervalSince(start) < timeout { usleep(20_000) }
        if p.isRunning { p.terminate(); usleep(200_000); if p.isRunning { kill(p.processIdentifier, SIGKILL) } }
        p.waitUntilExit()
        let out = (try? String(contentsOfFile: outFile, encoding: .utf8)) ?? ""
        let err = (try? String(contentsOfFile: errFile, encoding: .utf8)) ?? ""
        return Run(status: p.terminationStatus, stdout: out, stderr: err, seconds: Date().timeIntervalSince(start))
    }

    static func kbench(
        _ arguments: [String], timeout: Double = 60, environment: [String: String]? = nil,
        currentDirectory: String? = nil
    ) throws -> Run {
        try run(try kbenchPath(), arguments, timeout: timeout, environment: environment, currentDirectory: currentDirectory)
    }

    static func kcatPath() throws -> String {
        for p in ["/usr/bin/kcat", "/usr/local/bin/kcat", "/usr/bin/kafkacat"] where FileManager.default.isExecutableFile(atPath: p) {
            return p
        }
        throw UsageError("kcat is not installed (apt-get install kcat); the test script installs it")
    }

    /// A fresh path under /tmp, removed when the current test ends: the test's suite (or the test) must carry the
    /// `.removesTemporaryFiles` trait, and a path asked for outside it is recorded as an issue.
    static func tempPath(_ name: String) -> String {
        let path = NSTemporaryDirectory() + "kbench-test-\(getpid())-\(UUID().uuidString.prefix(8))-\(name)"
        if let files = TemporaryFiles.current {
            files.register(path)
        } else {
            Issue.record("TestSupport.tempPath outside a .removesTemporaryFiles scope: \(path) would be left behind")
        }
        return path
    }

    static func tempDirectory() throws -> String {
        let d = tempPath("dir")
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    /// Direct children of `pid` (from /proc).
    static func children(of pid: pid_t) -> [pid_t] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { e -> pid_t? in
            guard let child = pid_t(e), let stat = try? String(contentsOfFile: "/proc/\(e)/stat", encoding: .utf8) else { return nil }
            // format: pid (comm) state ppid ...
            guard let close = stat.lastIndex(of: ")") else { return nil }
            let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
            return fields.count > 1 && pid_t(fields[1]) == pid ? child : nil
        }
    }

    /// The `--run-id` a `kbench worker` process was started with (from /proc).
    static func runId(ofWorker pid: pid_t) -> String? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
        let args = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        guard let i = args.firstIndex(of: "--run-id"), i + 1 < args.count else { return nil }
        return args[i + 1]
    }

    /// True when a process exists and is not a zombie.
    static func isAlive(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return false }
        return stat[stat.index(close, offsetBy: 2)] != "Z"
    }

    /// Waits up to `grace` seconds for every worker in `workers` to end, then SIGKILLs those still alive and returns
    /// them. Call it once their runner has ended, before `Process.waitUntilExit()`: Foundation's Process waits
    /// for every inheritor of the runner's descriptors, so a surviving worker would hang the test, not fail it.
    static func killSurvivors(_ workers: some Collection<pid_t>, grace: Double = 5) -> [pid_t] {
        _ = eventually(timeout: grace) { workers.allSatisfy { !isAlive($0) } }
        let survivors = workers.filter(isAlive)
        for w in survivors { kill(w, SIGKILL) }
        return survivors
    }

    /// Reads the data rows of a sweep CSV.
    static func csvRows(_ path: String) throws -> [[String: String]] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(separator: "\n")
        guard lines.count >= 2 else { return [] }
        let header = try CSV.split(lines[1])
        return try lines.dropFirst(2).map { line in
            let cells = try CSV.split(line)
            return Dictionary(uniqueKeysWithValues: zip(header, cells))
        }
    }
}

/// Polls `condition` until it holds or `timeout` passes.
func eventually(timeout: Double, _ condition: () -> Bool) -> Bool {
    let start = Date()
    while Date().timeIntervalSince(start) < timeout {
        if condition() { return true }
        usleep(50_000)
    }
    return condition()
}

/// The temporary paths the running test asked for (see `TestSupport.tempPath`), removed when it ends.
final class TemporaryFiles: @unchecked Sendable {
    @TaskLocal static var current: TemporaryFiles?
    private let lock = NSLock()
    private var paths: [String] = []

    func register(_ path: String) { lock.withLock { paths.append(path) } }

    func removeAll() {
        for path in lock.withLock({ paths }) { try? FileManager.default.removeItem(atPath: path) }
    }
}

/// A trait that gives every test (case) its own `TemporaryFiles` and removes them when it ends, pass or fail, so a
/// test run leaves nothing in /tmp.
struct RemovesTemporaryFiles: TestTrait, SuiteTrait, TestScoping {
    var isRecursive: Bool { true }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        let files = TemporaryFiles()
        defer { files.removeAll() }
        try await TemporaryFiles.$current.withValue(files) { try await function() }
    }
}

extension Trait where Self == RemovesTemporaryFiles {
    /// Removes every `TestSupport.tempPath`/`tempDirectory` the test created when it ends.
    static var removesTemporaryFiles: Self { RemovesTemporaryFiles() }
}
