import ArgumentParser

/// kbench's exit codes, documented in docs/outputs-and-exit-codes.md ("Exit codes"):
/// - 0: the run completed and measured no failure;
/// - 1: a runtime failure (broker unreachable, a file that cannot be written, a CSV that cannot be read): the
///   message alone, no usage block;
/// - 3: the run completed but measured a failure: failed trials, or messages lost (see the results);
/// - 64: a usage mistake (bad option or value): the message with the usage block;
/// - 130: interrupted (SIGINT/SIGTERM); every finished result is kept and every worker ended.
enum KBenchExit {
    /// The run completed but measured a failure (failed trials, lost messages, a producer that did not hold its rate).
    static let measuredFailure = ExitCode(3)
    /// SIGINT or SIGTERM ended the run early (128 + SIGINT, as shells report it).
    static let interrupted = ExitCode(130)
}
