import Foundation

/// A results file that one run creates and appends to: its directory is created, an existing file is refused
/// (kbench never overwrites results), and every append is flushed, so an interrupted run keeps what it wrote.
/// Used by one run's thread; the file handle is closed in `deinit`.
final class NewResultsFile {
    /// The file's path as given: for messages and for `remove()`.
    let path: String
    /// Open for writing from creation until `deinit` or `remove()`.
    private let handle: FileHandle

    /// Creates the directories of `paths`, then refuses the run if any of the files exists (no file is created
    /// then, though the directories stay).
    static func prepare(_ paths: [String]) throws(RunError) {
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

    /// Creates the (empty) file; call `prepare` first.
    init(path: String) throws(RunError) {
        self.path = path
        guard FileManager.default.createFile(atPath: path, contents: nil), let h = FileHandle(forWritingAtPath: path) else {
            throw RunError("cannot write results to \(path): \(String(cString: strerror(errno)))")
        }
        handle = h
    }

    deinit { try? handle.close() }

    /// Appends `text` and flushes it to disk (fsync), so a crash or Ctrl-C loses nothing already appended.
    func append(_ text: String) {
        handle.write(Data(text.utf8))
        try? handle.synchronize()
    }

    /// Closes and deletes the file.
    func remove() {
        try? handle.close()
        try? FileManager.default.removeItem(atPath: path)
    }
}
