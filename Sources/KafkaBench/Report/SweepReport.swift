import Foundation

/// What `SweepReport.generate` wrote.
/// The command prints `filesWritten` and `headline`, and fails only when gnuplot failed.
public struct ReportOutcome: Sendable, Equatable {
    /// Every file written, in order: data file, script, images (when rendered), summary.
    public var filesWritten: [String]
    /// Whether the images were rendered, and if not why.
    public var gnuplot: GnuplotStatus
    /// `plots/<name>-throughput.png`, the headline figure (present only when rendered).
    public var headlinePlot: String
    /// `Results/<name>.md`.
    public var summary: String
    /// One line: the peak and the knee.
    public var headline: String

    /// True when gnuplot ran and wrote the images.
    public var rendered: Bool {
        if case .rendered = gnuplot { return true }
        return false
    }
}

/// Turns a sweep CSV into plots (a gnuplot script, its data and PNG/SVG images) and a Markdown summary,
/// and keeps the index of published runs (`Results/README.md`) current.
/// Offline: reads files and writes files, the same whether called by `kbench report` or at the end of a sweep.
public enum SweepReport {
    /// Writes `plotsDir/<name>.dat`, `plotsDir/<name>.gp`, the images when gnuplot is installed, and
    /// `resultsDir/<name>.md`, for the sweep CSV `<name>.csv` (and its `<name>.meta.json` when present).
    public static func generate(csvPath: String, plotsDir: String, resultsDir: String) throws(UsageError) -> ReportOutcome {
        try generate(csvPath: csvPath, plotsDir: plotsDir, resultsDir: resultsDir, gnuplot: GnuplotRunner.locate())
    }

    /// `generate` with an explicit gnuplot executable (nil: not installed).
    static func generate(
        csvPath: String, plotsDir: String, resultsDir: String,
        gnuplot: String?
    ) throws(UsageError) -> ReportOutcome {
        let analysis = try SweepAnalysis.load(csvPath: csvPath)
        try makeDirectory(plotsDir)
        try makeDirectory(resultsDir)
        let script = GnuplotScript(
            name: analysis.name, csvPath: RelativePath.from(plotsDir, to: csvPath),
            brokerKind: analysis.brokerKind, series: analysis.series)
        var written: [String] = []
        let dataPath = RelativePath.join(plotsDir, script.dataFile)
        let scriptPath = RelativePath.join(plotsDir, script.scriptFile)
        try write(script.dataText(), to: dataPath)
        try write(script.scriptText(), to: scriptPath)
        written += [dataPath, scriptPath]

        let status = GnuplotRunner.run(executable: gnuplot, scriptFile: script.scriptFile, directory: plotsDir)
        var images: [String] = []
        for plot in script.plots {
            for ext in ["png", "svg"] {
                let path = RelativePath.join(plotsDir, script.imageFile(plot, ext))
                if FileManager.default.fileExists(atPath: path) { images.append(path) }
            }
        }
        if case .rendered = status { written += images }

        let fromResults = { (path: String) in RelativePath.from(resultsDir, to: path) }
        let links = script.plots.map { plot in
            RunSummary.PlotLink(
                title: plotTitle(plot),
                png: fromResults(RelativePath.join(plotsDir, script.imageFile(plot, "png"))),
                svg: fromResults(RelativePath.join(plotsDir, script.imageFile(plot, "svg"))))
        }
        let notRendered: String?
        switch status {
        case .rendered: notRendered = nil
        case .notInstalled(let hint): notRendered = hint
        case .skipped: notRendered = "the images were not rendered (--no-report); run `gnuplot \(script.scriptFile)` in the plots directory"
        case .failed(let message):
            let last = message.split(separator: "\n").last.map(String.init) ?? message
            notRendered = "gnuplot failed (\(last.trimmingWhitespace())); run `gnuplot \(script.scriptFile)` in the plots directory for the whole message"
        }
        let summary = RunSummary(
            analysis: analysis, csvLink: fromResults(csvPath), plots: links,
            scriptLink: fromResults(scriptPath), dataLink: fromResults(dataPath),
            notRendered: notRendered)
        let summaryPath = RelativePath.join(resultsDir, analysis.name + ".md")
        try write(summary.markdown(), to: summaryPath)
        written.append(summaryPath)
        return ReportOutcome(
            filesWritten: written, gnuplot: status,
            headlinePlot: RelativePath.join(plotsDir, script.imageFile(.throughput, "png")),
            summary: summaryPath, headline: analysis.headline)
    }

    /// Regenerates `resultsDir/README.md`, the index of every sweep CSV in `resultsDir`; returns its path.
    public static func writeIndex(resultsDir: String) throws(UsageError) -> String {
        let path = RelativePath.join(resultsDir, "README.md")
        try write(try ResultsIndex(resultsDir: resultsDir).markdown(), to: path)
        return path
    }

    /// A plot's title as the summary's links show it (without the mode the image's own title names).
    static func plotTitle(_ plot: GnuplotScript.Plot) -> String {
        switch plot {
        case .throughput: return "Group throughput vs consumers"
        case .drain: return "Drain throughput vs consumers"
        case .balance: return "Partitions per consumer vs consumers"
        case .perConsumer: return "Per-consumer throughput vs consumers"
        }
    }

    /// Creates `path` and its parents, as a usage error naming the directory when that fails.
    private static func makeDirectory(_ path: String) throws(UsageError) {
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw UsageError("cannot create directory \(path): \(error.localizedDescription)")
        }
    }

    /// Writes a report file (see `GeneratedFile`: a file kbench did not write is refused).
    static func write(_ text: String, to path: String) throws(UsageError) {
        try GeneratedFile.write(text, to: path)
    }
}
