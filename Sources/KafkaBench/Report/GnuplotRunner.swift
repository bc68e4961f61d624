import Foundation

/// What became of rendering a report's gnuplot script.
/// Reported by every command that writes a plot; only `failed` makes the command fail.
public enum GnuplotStatus: Sendable, Equatable {
    /// gnuplot ran and wrote the images; `warnings` is what it printed on stderr (usually empty).
    case rendered(warnings: String)
    /// No gnuplot on PATH; the script was written and the hint says how to install it.
    case notInstalled(hint: String)
    /// gnuplot ran and failed.
    case failed(message: String)
    /// Rendering was not asked for (`--no-report`); the script was written.
    case skipped
}

/// Finds gnuplot and runs a script with it in the script's directory.
enum GnuplotRunner {
    /// What a report prints when gnuplot is missing: how to install it and re-render.
    static let installHint =
        "gnuplot is not installed, so only the script was written: install it with 'apt-get install gnuplot-nox' (Debian/Ubuntu) or 'brew install gnuplot' (macOS), then run 'gnuplot <script>' in the plots directory"

    /// The first executable `gnuplot` on PATH.
    static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        let dirs = (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":")
        for dir in dirs {
            let candidate = RelativePath.join(String(dir), "gnuplot")
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs `gnuplot scriptFile` with `directory` as the working directory.
    static func run(executable: String?, scriptFile: String, directory: String) -> GnuplotStatus {
        guard let executable else { return .notInstalled(hint: installHint) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [scriptFile]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch {
            return .failed(message: "cannot start \(executable): \(error.localizedDescription)")
        }
        let output = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: output, as: UTF8.self).trimmingWhitespace()
        if process.terminationReason == .exit && process.terminationStatus == 0 { return .rendered(warnings: text) }
        return .failed(message: "gnuplot \(scriptFile) failed (exit \(process.terminationStatus)) in \(directory): \(text)")
    }
}
