import Foundation

/// The results files one run writes, created together before anything runs: kbench never overwrites a result, so
/// every path is refused up front when it exists (or its directory cannot be made), and nothing is left behind
/// then. Each CSV ("table") starts with its schema comment and header; rows are appended and flushed as trials
/// finish, so an interrupted run keeps every finished trial. The metadata JSON and other files written later
/// (`reserved`) are checked with the tables.
///
/// Owned by the runner's thread; not thread-safe.
public final class RunFiles {
    /// One CSV of the run: where it goes and its first lines (schema comment and header row, newline-ended).
    public struct Table: Sendable {
        public var path: String
        public var head: String

        public init(path: String, head: String) {
            self.path = path
            self.head = head
        }

        /// A table whose head is `schemaLine` and the comma-separated `columns`.
        public init(path: String, schemaLine: String, columns: [String]) {
            self.init(path: path, head: schemaLine + "\n" + columns.joined(separator: ",") + "\n")
        }
    }

    public let tables: [Table]
    /// `X.meta.json` beside the first table `X.csv`.
    public let metadataPath: String
    private let reserved: [String]
    private var handles: [FileHandle] = []
    /// Whether a row reached the first table (a run that wrote none removes its files with `discard`).
    public private(set) var hasRows = false

    /// Refuses `paths` when any exists or its directory cannot be created; creates nothing else.
    public static func check(_ paths: [String]) throws(RunError) {
        let fm = FileManager.default
        for dir in Set(paths.map { ($0 as NSString).deletingLastPathComponent }) where !dir.isEmpty {
            do { try fm.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
                throw RunError("cannot write results to \(paths[0]): cannot create directory \(dir) (\(error.localizedDescription))")
            }
        }
        for p in paths where fm.fileExists(atPath: p) {
            throw RunError("\(p) already exists; kbench does not overwrite results: choose another --out or remove it")
        }
    }

    /// Checks every path (tables, their metadata, `reserved`) and creates the tables with their heads.
    public init(tables: [Table], reserved: [String] = []) throws(RunError) {
        precondition(!tables.isEmpty, "a run writes at least one table")
        self.tables = tables
        metadataPath = ResultPaths.metadata(forCSV: tables[0].path)
        self.reserved = reserved
        try Self.check(tables.map(\.path) + [metadataPath] + reserved)
        for t in tables {
            guard FileManager.default.createFile(atPath: t.path, contents: Data(t.head.utf8)), let h = FileHandle(forWritingAtPath: t.path) else {
                let why = String(cString: strerror(errno))
                discard()
                throw RunError("cannot write results to \(t.path): \(why)")
            }
            h.seekToEndOfFile()
            handles.append(h)
        }
    }

    deinit { for h in handles { try? h.close() } }

    /// Appends `text` (whole lines) to table `index` and flushes it to disk.
    public func append(_ text: String, to index: Int = 0) {
        guard !text.isEmpty else { return }
        handles[index].write(Data(text.utf8))
        try? handles[index].synchronize()
        if index == 0 { hasRows = true }
    }

    /// Removes every file of the run (tables, metadata, reserved): for a run that failed or was stopped before
    /// its first row, so that no empty result is left behind.
    public func discard() {
        for h in handles { try? h.close() }
        handles = []
        for p in tables.map(\.path) + [metadataPath] + reserved { try? FileManager.default.removeItem(atPath: p) }
    }
}
