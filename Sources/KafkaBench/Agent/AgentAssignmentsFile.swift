import Foundation

/// `X.placement.csv` beside a sweep's `X.csv` when it ran on agents: one row per consumer of every trial, saying
/// which agent and host ran it and how long its "go" took to be confirmed. `ResultsFile` writes it.
///
/// Its first line, `# kbench sweep placement`, marks it as a companion of the sweep CSV, not a sweep of its own.
public enum AgentAssignmentsFile {
    /// The first line, which tells this companion file from a sweep CSV.
    public static let marker = "# kbench sweep placement"
    /// The column names, written once as the second line.
    public static let header = "run_id,partitions,consumers,assignor,repeat,consumer,agent,host,go_round_trip_ms,trial_status"

    /// The placement file beside the results CSV at `csvPath`.
    public static func path(forCSV csvPath: String) -> String { ResultPaths.stem(csvPath) + ".placement.csv" }

    /// The placement table of the sweep whose CSV is `csvPath`.
    static func table(forCSV csvPath: String) -> RunFiles.Table {
        RunFiles.Table(path: path(forCSV: csvPath), head: marker + "\n" + header + "\n")
    }

    /// One trial's consumers, a line each, by consumer name.
    static func rows(runId: String, point: TrialPoint, status: String, _ assignments: [AgentAssignment]) -> String {
        var text = ""
        for a in assignments.sorted(by: { $0.consumer < $1.consumer }) {
            let rtt = a.goRoundTripMs.map { String(format: "%.1f", $0) } ?? ""
            text +=
                [
                    runId, String(point.partitions), String(point.consumers), point.assignor.rawValue, String(point.repeat),
                    a.consumer, a.agent, a.host, rtt, status,
                ].map(CSV.quote).joined(separator: ",") + "\n"
        }
        return text
    }
}
