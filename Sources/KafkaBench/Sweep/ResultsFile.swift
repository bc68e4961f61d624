import Foundation

/// A sweep CSV opened before any trial runs (so an unwritable path fails fast), appended and flushed one
/// row per finished trial, so an interrupted sweep keeps every finished row.
public final class ResultsFile {
    public let path: String
    private let file: NewResultsFile
    /// Trial rows appended so far.
    public private(set) var rowsWritten = 0
    /// `X.meta.json` beside `X.csv`.
    public var metadataPath: String { ResultPaths.metadata(forCSV: path) }

    /// Refuses a path (or a companion of it) that exists or cannot be written (creating its directory), leaving
    /// no file behind.
    public static func checkWritable(_ path: String, companions: [String] = []) throws(RunError) {
        let file = try ResultsFile(path: path, companions: companions)
        file.discard()
    }

    /// Creates the file (and its directory) and writes the schema and header lines. Refuses to overwrite it or
    /// any of the `companions` the run will write beside it.
    public init(path: String, companions: [String] = []) throws(RunError) {
        self.path = path
        try NewResultsFile.prepare([path, ResultPaths.metadata(forCSV: path)] + companions)
        file = try NewResultsFile(path: path)
        file.append(TrialRow.schemaLine + "\n" + TrialRow.columns.joined(separator: ",") + "\n")
    }

    public func append(_ row: TrialRow) {
        file.append(row.csvLine + "\n")
        rowsWritten += 1
    }

    /// Removes the CSV and its metadata: for a run that failed before its first trial ended, so that no empty
    /// result is left behind.
    public func discard() {
        file.remove()
        try? FileManager.default.removeItem(atPath: metadataPath)
    }
}
