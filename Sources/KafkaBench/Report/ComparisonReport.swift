import Foundation

/// Writes a comparison: the Markdown report, the overlay plot's script and data, and its images when gnuplot is
/// installed.
/// Refuses to overwrite files kbench did not write (`GeneratedFile`), like every report.
public enum ComparisonReport {
    /// What was written.
    public struct Outcome: Sendable {
        /// Every file written, in order, for the command to print.
        public var filesWritten: [String]
        /// Whether the images were rendered, and if not why.
        public var gnuplot: GnuplotStatus
        /// The Markdown report's path.
        public var markdownPath: String
    }

    /// Writes `markdownPath` and, in `plotsDir`, `<name>.gp`, `<name>.dat` and `<name>-throughput.png/.svg`.
    public static func write(_ comparison: RunComparison, markdownPath: String, plotsDir: String) throws(UsageError) -> Outcome {
        try write(comparison, markdownPath: markdownPath, plotsDir: plotsDir, gnuplot: GnuplotRunner.locate())
    }

    /// The same with an explicit gnuplot executable (nil: not installed).
    static func write(
        _ comparison: RunComparison, markdownPath: String, plotsDir: String,
        gnuplot: String?
    ) throws(UsageError) -> Outcome {
        let name = ResultPaths.name(markdownPath.hasSuffix(".md") ? String(markdownPath.dropLast(3)) + ".csv" : markdownPath)
        let plot = ComparisonPlot(name: name, comparison: comparison)
        do { try FileManager.default.createDirectory(atPath: plotsDir, withIntermediateDirectories: true) } catch {
            throw UsageError("cannot create directory \(plotsDir): \(error.localizedDescription)")
        }
        let scriptPath = RelativePath.join(plotsDir, plot.scriptFile)
        let dataPath = RelativePath.join(plotsDir, plot.dataFile)
        try SweepReport.write(plot.scriptText(), to: scriptPath)
        try SweepReport.write(plot.dataText(), to: dataPath)
        var written = [scriptPath, dataPath]
        let status = GnuplotRunner.run(executable: gnuplot, scriptFile: plot.scriptFile, directory: plotsDir)
        var notRendered: String?
        switch status {
        case .rendered: written += ["png", "svg"].map { RelativePath.join(plotsDir, plot.imageFile($0)) }
        case .notInstalled(let hint): notRendered = hint
        case .failed(let message): notRendered = message
        case .skipped: notRendered = "not rendered"
        }
        let fromReport = { (path: String) in RelativePath.from(ResultPaths.directory(markdownPath), to: path) }
        let links =
            notRendered == nil
            ? (
                png: fromReport(RelativePath.join(plotsDir, plot.imageFile("png"))),
                svg: fromReport(RelativePath.join(plotsDir, plot.imageFile("svg")))
            ) : nil
        try SweepReport.write(comparison.markdown(plots: links, notRendered: notRendered), to: markdownPath)
        written.append(markdownPath)
        return Outcome(filesWritten: written, gnuplot: status, markdownPath: markdownPath)
    }
}
