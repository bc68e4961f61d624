import Foundation

/// Where the files that belong to one results CSV go. One rule for every command: beside the CSV, named after
/// it (`X.csv` → `X.meta.json`, `X-events.csv`, `X.md`); plots go to `--plots-dir` (default: beside the CSV,
/// or the repository's `plots/` when the CSV is in its `Results/`).
public enum ResultPaths {
    /// `X` for `X.csv` (the path itself when it does not end in `.csv`).
    public static func stem(_ csvPath: String) -> String {
        csvPath.hasSuffix(".csv") ? String(csvPath.dropLast(4)) : csvPath
    }

    /// The file name without directory and `.csv`: the name plots and summaries are given.
    public static func name(_ csvPath: String) -> String {
        String(stem(csvPath).split(separator: "/", omittingEmptySubsequences: false).last ?? "")
    }

    /// The default `--out` of a run: `Results/KIND-<UTC timestamp>.csv`.
    public static func timestampedCSV(_ kind: String) -> String {
        "Results/\(kind)-\(RunMetadata.utcTimestamp(compact: true)).csv"
    }

    /// `X.meta.json`: the run's settings and host, written beside `X.csv`.
    public static func metadata(forCSV path: String) -> String { stem(path) + ".meta.json" }
    /// `X-events.csv`: a rebalance run's per-event results beside `X.csv`.
    public static func events(forCSV path: String) -> String { stem(path) + "-events.csv" }
    /// `X.md`: the Markdown summary, when it is written beside the CSV.
    public static func summary(forCSV path: String) -> String { stem(path) + ".md" }

    /// The directory of `csvPath` ("." for a bare file name).
    public static func directory(_ csvPath: String) -> String {
        guard let slash = csvPath.lastIndex(of: "/") else { return "." }
        let dir = String(csvPath[..<slash])
        return dir.isEmpty ? "/" : dir
    }

    /// Default plots directory for a CSV: `plots/` beside a `Results/` directory (the repository's published
    /// layout), otherwise the CSV's own directory.
    public static func defaultPlotsDirectory(forCSV csvPath: String) -> String {
        let dir = directory(csvPath)
        let last = dir.split(separator: "/").last.map(String.init) ?? dir
        if last == "Results" {
            let parent = directory(dir)
            return dir.contains("/") ? parent + "/plots" : "plots"
        }
        return dir
    }

    /// The first line of a results file (its schema line), or nil when it cannot be read.
    public static func firstLine(of path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let head = String(decoding: handle.readData(ofLength: 200), as: UTF8.self)
        return head.split(separator: "\n", maxSplits: 1).first.map(String.init)
    }
}
