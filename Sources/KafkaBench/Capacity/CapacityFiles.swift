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
    private let trials: NewResultsFile
    private let series: NewResultsFile
    private(set) var rowsWritten = 0
    var metadataPath: String { paths.metadata }
    var r1Path: String { paths.r1 }

    static let timeseriesSchemaLine = "# kbench capacity timeseries schema 1"
    static let timeseriesColumns = [
        "run_id", "trial", "consumers", "target_rate", "step", "t_s", "partition", "produced", "consumed", "lag_msgs", "lag_s",
    ]

    init(csvPath: String) throws(RunError) {
        paths = CapacityPaths(csv: csvPath)
        try NewResultsFile.prepare([paths.csv, paths.timeseries, paths.r1, paths.metadata, ResultPaths.metadata(forCSV: paths.r1)])
        trials = try NewResultsFile(path: paths.csv)
        do { series = try NewResultsFile(path: paths.timeseries) } catch {
            trials.remove()
            throw error
        }
        trials.append(CapacityRow.schemaLine + "\n" + CapacityRow.columns.joined(separator: ",") + "\n")
        series.append(Self.timeseriesSchemaLine + "\n" + Self.timeseriesColumns.joined(separator: ",") + "\n")
    }

    /// Appends a trial's row and its lag series (every partition and the group, `all`).
    func append(_ row: CapacityRow, series lag: LagSeries?, trial: Int) {
        trials.append(row.cells.joined(separator: ",") + "\n")
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
        series.append(text)
    }

    /// Removes every file of a run that failed before its first trial ended.
    func discard() {
        trials.remove()
        series.remove()
        for p in [paths.metadata, paths.r1, ResultPaths.metadata(forCSV: paths.r1)] {
            try? FileManager.default.removeItem(atPath: p)
        }
    }
}
