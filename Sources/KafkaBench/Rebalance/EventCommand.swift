import Foundation
import Synchronization

/// An `--on-event` command started at its step: `/bin/sh -c COMMAND` on its own thread, so a slow command
/// (`kubectl delete pod …`) does not hold up the runner, which keeps reading its consumers meanwhile.
///
/// Sendable: its mutable state is behind a `Mutex`.
final class EventCommand: Sendable {
    /// Characters of output kept for the results (after joining lines with " | ").
    static let outputLimit = 2000
    /// The command line, run by `/bin/sh -c`.
    let command: String
    /// Shared with the command's thread: the process once started, its exit status, its output and whether it ended.
    private let state = Mutex<(process: Process?, exit: Int32?, output: String, done: Bool)>((nil, nil, "", false))

    /// A command not yet started; `start` runs it.
    init(command: String) { self.command = command }

    /// Starts the command on its own thread with stdin from /dev/null and stdout and stderr captured together; returns
    /// at once. Call once.
    func start() {
        let t = Thread { [self] in
            let p = Process()
            // kbench ignores SIGPIPE (a worker may exit while it is written to), and an ignored signal stays
            // ignored across exec, where no shell can undo it: env restores its default action first, so that
            // the user's pipelines (`yes | head -1`) end as they do in a terminal
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["--default-signal=PIPE", "/bin/sh", "-c", command]
            let pipe = Pipe()
            p.standardOutput = pipe
            p.standardError = pipe
            p.standardInput = FileHandle.nullDevice
            do {
                try p.run()
            } catch {
                state.withLock {
                    $0.output = "could not start: \(error.localizedDescription)"; $0.done = true
                }
                return
            }
            state.withLock { $0.process = p }
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            let text = String(decoding: data, as: UTF8.self)
            state.withLock {
                $0.exit = p.terminationStatus; $0.output = text; $0.done = true
            }
        }
        t.start()
    }

    /// Waits up to `timeoutNs` for the command to end; one still running is then terminated (SIGTERM to its process
    /// group) and has no exit status. Output is shortened to `outputLimit` characters on one line, secrets of `config` masked.
    func finish(timeoutNs: UInt64, config: KafkaConfig) -> RebalanceRecording.CommandOutcome {
        let deadline = MonotonicClock.nanoseconds() + timeoutNs
        while !state.withLock({ $0.done }) && MonotonicClock.nanoseconds() < deadline { usleep(20_000) }
        var note = ""
        if !state.withLock({ $0.done }) {
            if let pid = state.withLock({ $0.process?.processIdentifier }), pid > 0 {
                // the whole process group (setsid made the command its leader), then the command itself
                kill(-pid, SIGTERM)
                kill(pid, SIGTERM)
            }
            note = "[still running at the end of the run: terminated] "
            let killDeadline = MonotonicClock.nanoseconds() + 2_000_000_000
            while !state.withLock({ $0.done }) && MonotonicClock.nanoseconds() < killDeadline { usleep(20_000) }
        }
        let (exit, output, done) = state.withLock { ($0.exit, $0.output, $0.done) }
        var text = Secrets.scrub(output, in: config).split(whereSeparator: \.isNewline).joined(separator: " | ")
        if text.count > Self.outputLimit { text = String(text.prefix(Self.outputLimit)) + "…" }
        return .init(command: command, exitStatus: done && note.isEmpty ? exit : nil, output: note + text)
    }
}
