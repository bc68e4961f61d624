/// Where a trial's consumer processes run. The engine asks its placement for each worker and otherwise cannot
/// tell placements apart: every worker speaks the same line protocol (`WorkerProtocol.swift`).
///
/// `LocalPlacement` starts processes on this host; `AgentPlacement` starts them on `kbench agent`s on other hosts
/// and relays the same lines through Kafka.
public protocol WorkerPlacement {
    /// Starts one worker named `name` (e.g. "c03") for run `runId`. Throws `RunError` when it cannot start.
    func launch(name: String, runId: String) throws(RunError) -> WorkerProcess
    /// Where workers run, for results ("local").
    var description: String { get }
    /// The librdkafka version every worker must report (`WorkerGroup` fails a worker that reports another);
    /// nil when only agreement among a group's workers can be checked.
    var expectedLibrdkafka: String? { get }
}

/// Workers as child processes of this one: `kbench worker` spawned without a shell, in its own process group,
/// with the parent-death signal and exit on stdin EOF, so that none outlives the runner.
/// A plain value; `launch` is called on the runner's thread by `WorkerGroup.spawn`.
public struct LocalPlacement: WorkerPlacement {
    /// The kbench binary the workers run.
    public let executable: String

    /// Workers running `executable` (tests pass a built binary).
    public init(executable: String) { self.executable = executable }

    /// Finds the kbench binary (see `WorkerLauncher`).
    public init() throws(RunError) { executable = try WorkerLauncher.executablePath() }

    /// Spawns `executable worker --run-id RUN` as a child; the spec follows on its stdin (`WorkerGroup.spawn`).
    public func launch(name: String, runId: String) throws(RunError) -> WorkerProcess {
        try WorkerProcess(name: name, executable: executable, arguments: ["worker", "--run-id", runId])
    }

    /// "local": every worker on this host.
    public var description: String { "local" }

    /// The runner's own: local workers inherit its environment and so its library.
    public var expectedLibrdkafka: String? { LibrdkafkaRuntime.version }
}
