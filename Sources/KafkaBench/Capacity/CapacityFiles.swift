import Foundation

/// Where a capacity run's files go: the trial CSV (`--out`), and beside it the lag time series
/// (`-timeseries.csv`), the r1 trial's sweep CSV (`-r1.csv`) and the metadata (`.meta.json`).
public struct CapacityPaths: Sendable {
    public var csv: String
    public var timeseries: String { ResultPaths.stem(csv) + "-timeseries.csv" }
    public var r1: String { ResultPaths.stem(csv) + "-r1.csv" }
    public var metadata: String { ResultPaths.metadata(forCSV: csv) }
}

/// The capacity run's files (`RunFiles`): the trial CSV and the lag time series, appended and flushed as each
/// trial finishes, so an interrupted run keeps every finished trial; the r1 sweep's CSV and metadata are reserved
/// (refused when they exist) and written by that sweep.
final class CapacityFiles {
    let paths: CapacityPaths
    private let files: RunFiles

    var metadataPath: String { paths.metadata }
    var r1Path: String { paths.r1 }
    /// Whether a trial row was written (a run without one removes its files).
    var hasRows: Bool { files.hasRows }

    static let timeseriesSchemaLine = "# kbench capacity timeseries schema 1"
    static let timeseriesColumns = [
        "run_id", "trial", "consumers", "target_rate", "step", "t_s", "partition", "produced", "consumed", "lag_msgs", "lag_s",
    ]

    init(csvPath: String) throws(RunError) {
        paths = CapacityPaths(csv: csvPath)
        files = try RunFiles(
            tables: [
                RunFiles.Table(path: paths.csv, schemaLine: CapacityRow.schemaLine, columns: CapacityRow.columns),
                RunFiles.Table(path: paths.timeseries, schemaLine: Self.timeseriesSchemaLine, columns: Self.timeseriesColumns),
            ],
            reserved: [paths.r1, ResultPaths.metadata(forCSV: paths.r1)])
    }

    /// Appends a trial's row and its lag series (every partition and the group, `all`).
    func append(_ row: CapacityRow, series lag: LagSeries?, trial: Int) {
        files.append(row.cells.joined(separator: ",") + "\n")
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
        files.append(text, to: 1)
    }

    /// Removes every file of a run that failed before its first trial ended.
    func discard() { files.discard() }
}
