import Foundation

/// A sweep's files (`RunFiles`): the trial CSV, appended and flushed one row per finished trial, and with agents
/// the placement CSV beside it (which agent ran each consumer).
public final class ResultsFile {
    public let path: String
    private let files: RunFiles
    /// Trial rows appended so far.
    public private(set) var rowsWritten = 0

    /// `X.meta.json` beside `X.csv`.
    public var metadataPath: String { files.metadataPath }

    /// Creates the CSV (and its directory) with its schema and header lines, and the placement CSV when the
    /// consumers run on agents. Refuses to overwrite either or the metadata.
    public init(path: String, agents: Bool) throws(RunError) {
        self.path = path
        var tables = [RunFiles.Table(path: path, schemaLine: TrialRow.schemaLine, columns: TrialRow.columns)]
        if agents { tables.append(AgentAssignmentsFile.table(forCSV: path)) }
        files = try RunFiles(tables: tables)
    }

    public func append(_ row: TrialRow) {
        files.append(row.csvLine + "\n")
        rowsWritten += 1
    }

    /// Appends one trial's consumers to the placement CSV (a sweep on agents only).
    public func appendPlacement(runId: String, point: TrialPoint, status: String, _ assignments: [AgentAssignment]) {
        files.append(AgentAssignmentsFile.rows(runId: runId, point: point, status: status, assignments), to: 1)
    }

    /// Removes the CSVs and the metadata: for a run that failed before its first trial ended, so that no empty
    /// result is left behind.
    public func discard() { files.discard() }
}
