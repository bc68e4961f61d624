import Foundation

/// `X.placement.csv` beside a sweep's `X.csv` when it ran on agents: one row per consumer of every trial, saying
/// which agent and host ran it and how long its "go" took to be confirmed.
///
/// Its first line, `# kbench sweep placement`, marks it as a companion of the sweep CSV, not a sweep of its own.
public final class AgentAssignmentsFile {
    /// The first line, which tells this companion file from a sweep CSV.
    public static let marker = "# kbench sweep placement"
    /// The column names, written once as the second line.
    public static let header = "run_id,partitions,consumers,assignor,repeat,consumer,agent,host,go_round_trip_ms,trial_status"
    /// `X.placement.csv` beside the sweep's `X.csv`.
    public let path: String
    /// Whether this object already wrote the marker and header; the first `append` writes them.
    private var wroteHeader = false

    /// The placement file beside the results CSV at `csvPath` (the sweep refuses to start when it exists).
    public init(forCSV csvPath: String) {
        path = Self.path(forCSV: csvPath)
    }

    /// The placement file's path for results CSV `csvPath`.
    public static func path(forCSV csvPath: String) -> String { ResultPaths.stem(csvPath) + ".placement.csv" }

    /// Appends one trial's consumers.
    public func append(runId: String, point: TrialPoint, status: String, _ assignments: [AgentAssignment]) {
        var text = wroteHeader ? "" : Self.marker + "\n" + Self.header + "\n"
        wroteHeader = true
        for a in assignments.sorted(by: { $0.consumer < $1.consumer }) {
            let rtt = a.goRoundTripMs.map { String(format: "%.1f", $0) } ?? ""
            text +=
                [
                    runId, String(point.partitions), String(point.consumers), point.assignor.rawValue, String(point.repeat),
                    a.consumer, a.agent, a.host, rtt, status,
                ].map(Self.cell).joined(separator: ",") + "\n"
        }
        if FileManager.default.fileExists(atPath: path), let h = FileHandle(forWritingAtPath: path) {
            h.seekToEndOfFile()
            h.write(Data(text.utf8))
            try? h.close()
        } else {
            _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        }
    }

    /// A CSV cell, quoted (inner quotes doubled) when it holds a comma or a quote.
    private static func cell(_ s: String) -> String {
        s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}

/// The placement a run's settings ask for: local processes, or agents.
/// Called once per run by the sweep, capacity and rebalance runners, before their first trial.
public enum Placements {
    /// `LocalPlacement` without `agents`; else an `AgentPlacement` over the control topics named from
    /// `topicPrefix`, after waiting for the agents. The caller closes an `AgentPlacement` when the run ends.
    public static func make(agents: AgentSettings?, cluster: ClusterConnection, topicPrefix: String, runId: String) throws(RunError)
        -> any WorkerPlacement
    {
        guard let agents else { return try LocalPlacement() }
        return try AgentPlacement(
            settings: agents, config: cluster.baseConfig, topics: ControlTopics(prefix: topicPrefix), runId: runId,
            connectTimeoutMs: cluster.connectTimeoutMs, hostedBroker: cluster.hostedBroker,
            log: { FileHandle.standardError.write(Data("kbench: \($0)\n".utf8)) })
    }
}
