import Foundation

/// A sweep CSV opened before any trial runs (so an unwritable path fails fast), appended and flushed one
/// row per finished trial, so an interrupted sweep keeps every finished row.
public final class ResultsFile {
    public let path: String
    private let handle: FileHandle
    /// Trial rows appended so far.
    public private(set) var rowsWritten = 0
    /// `X.meta.json` beside `X.csv`.
    public var metadataPath: String { ResultPaths.metadata(forCSV: path) }

    /// Refuses a path that exists or cannot be written (creating its directory), leaving no file behind.
    public static func checkWritable(_ path: String) throws(RunError) {
        let file = try ResultsFile(path: path)
        file.discard()
    }

    /// Creates the file (and its directory) and writes the schema and header lines. Refuses to overwrite.
    public init(path: String) throws(RunError) {
        self.path = path
        let fm = FileManager.default
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty {
            do { try fm.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
                throw RunError("cannot write results to \(path): cannot create directory \(dir) (\(error.localizedDescription))")
            }
        }
        if fm.fileExists(atPath: path) {
            throw RunError("\(path) already exists; kbench does not overwrite results: choose another --out or remove it")
        }
        guard fm.createFile(atPath: path, contents: nil), let h = FileHandle(forWritingAtPath: path) else {
            throw RunError("cannot write results to \(path): \(String(cString: strerror(errno)))")
        }
        handle = h
        append(TrialRow.schemaLine)
        append(TrialRow.columns.joined(separator: ","))
    }

    deinit { try? handle.close() }

    public func append(_ row: TrialRow) {
        append(row.csvLine)
        rowsWritten += 1
    }

    /// Removes the CSV and its metadata: for a run that failed before its first trial ended, so that no empty
    /// result is left behind.
    public func discard() {
        try? handle.close()
        try? FileManager.default.removeItem(atPath: path)
        try? FileManager.default.removeItem(atPath: metadataPath)
    }

    private func append(_ line: String) {
        handle.write(Data((line + "\n").utf8))
        try? handle.synchronize()
    }

}
