import Foundation

/// Human-facing messages go to stderr, so stdout carries only data (bootstrap strings, tables, JSON).
/// Each line is one unbuffered write to the file descriptor, so it appears at once, even when stdout is a pipe.
enum Console {
    /// Writes one line to stderr (progress, notes, summaries for people).
    static func info(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Writes a line to stdout immediately (unbuffered), for data other processes wait for.
    static func output(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Whether stderr and stdout are terminals: progress lines are only worth printing to a person.
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) != 0 }
    static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) != 0 }
}

/// Blocks the given signals in every thread (call before starting any) and waits for one of them.
final class SignalWaiter {
    /// The signals waited for, blocked in every thread started after `init`.
    private var set = sigset_t()

    /// Blocks `signals` in the calling thread (threads started later inherit the mask) and restores their default
    /// action, so that `wait()` receives them instead of the process dying or ignoring them.
    init(signals: [Int32]) {
        sigemptyset(&set)
        for s in signals { sigaddset(&set, s) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
        // an inherited SIG_IGN (e.g. a background job of a script) would discard the signal before sigwait sees it
        for s in signals { signal(s, SIG_DFL) }
    }

    /// Blocks until one of the signals arrives and returns it.
    func wait() -> Int32 {
        var sig: Int32 = 0
        sigwait(&set, &sig)
        return sig
    }
}
