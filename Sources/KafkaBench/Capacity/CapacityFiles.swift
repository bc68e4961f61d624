import Foundation

/// Where a capacity run's files go: the trial CSV (`--out`), and beside it the lag time series
/// (`-timeseries.csv`), the r1 trial's sweep CSV (`-r1.csv`) and the metadata (`.meta.json`).
public struct CapacityPaths: Sendable {
    public var csv: String
    public var timeseries: String { ResultPaths.stem(csv) + "-timeseries.csv" }
    public var r1: String { ResultPaths.stem(csv) + "-r1.csv" }
    public var metadata: String { ResultPaths.metadata(forCSV: csv) }
}

/// The capacity run's CSVs, opened before anything runs (an unwritable path fails fast) and appended and
/// flushed as each trial finishes, so an interrupted run keeps every finished trial.
final class CapacityFiles {
    let paths: CapacityPaths
    private let trials: FileHandle
    private let series: FileHandle
    private(set) var rowsWritten = 0
    var metadataPath: String { paths.metadata }
    var r1Path: String { paths.r1 }

    static let timeseriesSchemaLine = "# kbench capacity timeseries schema 1"
    static let timeseriesColumns = [
        "run_id", "trial", "consumers", "target_rate", "step", "t_s", "partition", "produced", "consumed", "lag_msgs", "lag_s",
    ]

    init(csvPath: String) throws(RunError) {
        paths = CapacityPaths(csv: csvPath)
        let fm = FileManager.default
        let dir = (csvPath as NSString).deletingLastPathComponent
        if !dir.isEmpty {
            do { try fm.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
                throw RunError("cannot write results to \(csvPath): cannot create directory \(dir) (\(error.localizedDescription))")
            }
        }
        for p in [paths.csv, paths.timeseries, paths.r1] where fm.fileExists(atPath: p) {
            throw RunError("\(p) already exists; kbench does not overwrite results: choose another --out or remove it")
        }
        func open(_ path: String) throws(RunError) -> FileHandle {
            guard fm.createFile(atPath: path, contents: nil), let h = FileHandle(forWritingAtPath: path) else {
                throw RunError("cannot write results to \(path): \(String(cString: strerror(errno)))")
            }
            return h
        }
        trials = try open(paths.csv)
        do { series = try open(paths.timeseries) } catch {
            try? trials.close()
            try? fm.removeItem(atPath: paths.csv)
            throw error
        }
        write(trials, CapacityRow.schemaLine + "\n" + CapacityRow.columns.joined(separator: ",") + "\n")
        write(series, Self.timeseriesSchemaLine + "\n" + Self.timeseriesColumns.joined(separator: ",") + "\n")
    }

    deinit {
        try? trials.close()
        try? series.close()
    }

    /// Appends a trial's row and its lag series (every partition and the group, `all`).
    func append(_ row: CapacityRow, series lag: LagSeries?, trial: Int) {
        write(trials, row.cells.joined(separator: ",") + "\n")
        rowsWritten += 1
        guard let lag else { return }
        var text = ""
        let prefix = "\(row.runId),\(trial),\(row.consumers),\(Int(row.targetRate)),\(row.step),"
        for (i, g) in lag.group.enumerated() {
            let t = String(format: "%.1f", g.t)
            text += prefix + "\(t),all,\(g.produced),\(g.consumed),\(g.lagMessages),\(String(format: "%.3f", g.lagSeconds))\n"
            for (p, partition) in lag.partitions.enumerated() {
                let s = partition[i]
                text += prefix + "\(t),\(p),\(s.produced),\(s.consumed),\(s.lagMessages),\(String(format: "%.3f", s.lagSeconds))\n"
            }
        }
        write(series, text)
    }

    /// Removes every file of a run that failed before its first trial ended.
    func discard() {
        try? trials.close()
        try? series.close()
        for p in [paths.csv, paths.timeseries, paths.metadata, paths.r1, ResultPaths.metadata(forCSV: paths.r1)] {
            try? FileManager.default.removeItem(atPath: p)
        }
    }

    private func write(_ handle: FileHandle, _ text: String) {
        handle.write(Data(text.utf8))
        try? handle.synchronize()
    }
}
