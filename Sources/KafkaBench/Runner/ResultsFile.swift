import Foundation

/// A sweep CSV opened before any trial runs (so an unwritable path fails fast), appended and flushed one
/// row per finished trial, so an interrupted sweep keeps every finished row.
public final class ResultsFile {
    public let path: String
    private let handle: FileHandle

    /// Creates the file (and its directory) and writes the schema and header lines. Refuses to overwrite.
    public init(path: String) throws(UsageError) {
        self.path = path
        let fm = FileManager.default
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty {
            do { try fm.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
                throw UsageError("cannot write results to \(path): cannot create directory \(dir) (\(error.localizedDescription))")
            }
        }
        if fm.fileExists(atPath: path) {
            throw UsageError("\(path) already exists; kbench does not overwrite results: choose another --out or remove it")
        }
        guard fm.createFile(atPath: path, contents: nil), let h = FileHandle(forWritingAtPath: path) else {
            throw UsageError("cannot write results to \(path): \(String(cString: strerror(errno)))")
        }
        handle = h
        append(TrialRow.schemaLine)
        append(TrialRow.columns.joined(separator: ","))
    }

    deinit { try? handle.close() }

    public func append(_ row: TrialRow) { append(row.csvLine) }

    private func append(_ line: String) {
        handle.write(Data((line + "\n").utf8))
        try? handle.synchronize()
    }

    /// `X.meta.json` for `X.csv`.
    public static func metadataPath(forCSV path: String) -> String {
        (path.hasSuffix(".csv") ? String(path.dropLast(4)) : path) + ".meta.json"
    }
}
