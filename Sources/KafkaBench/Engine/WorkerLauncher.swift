import Foundation

/// Finds the `kbench` binary that worker processes run: `$KBENCH_EXECUTABLE`, this process when it is kbench,
/// or a `kbench` beside this process's executable (as in `swift test`, where the test runner sits next to it).
/// Asked whenever a `LocalPlacement` is made, and by `kbench agent` for the binary its workers run.
public enum WorkerLauncher {
    /// The path workers are spawned from: `$KBENCH_EXECUTABLE`, else this process (via /proc/self/exe) when it is named
    /// kbench, else the first executable `kbench` in this executable's directory or up to three levels above it. Throws
    /// when none is found.
    public static func executablePath() throws(RunError) -> String {
        if let env = ProcessInfo.processInfo.environment["KBENCH_EXECUTABLE"], !env.isEmpty { return env }
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        if (me as NSString).lastPathComponent == "kbench" { return me }
        var dir = (me as NSString).deletingLastPathComponent
        for _ in 0..<4 {
            let candidate = (dir as NSString).appendingPathComponent("kbench")
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = (dir as NSString).deletingLastPathComponent
        }
        throw RunError("cannot find the kbench executable for worker processes; set KBENCH_EXECUTABLE to its path")
    }
}
