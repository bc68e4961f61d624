import ArgumentParser
import Foundation
import KafkaBench

/// `kbench report`: a sweep CSV turned into plots and a Markdown summary, or the index of published runs.
/// Works offline: it reads CSVs and metadata and writes files; it never connects to a cluster.
struct ReportCommand: ParsableCommand {
    /// The command's name, one-line help and where each output goes by default.
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Turn a sweep or capacity CSV into plots and a summary, or regenerate the index of published runs.",
        discussion: """
            kbench report RESULTS.csv writes PLOTS-DIR/NAME.gp (a gnuplot script), PLOTS-DIR/NAME.dat (its data), \
            the PNG and SVG images when gnuplot is installed (apt-get install gnuplot-nox), and RESULTS-DIR/NAME.md. \
            By default everything goes beside the CSV, except that a CSV in a Results/ directory gets its plots in \
            the plots/ directory next to it (the repository's published layout). When the CSV lies in RESULTS-DIR, \
            the index RESULTS-DIR/README.md is regenerated too.

            kbench report --index Results/ regenerates only the index.
            """)

    /// `--librdkafka`, declared so the command accepts it like every other (`KBench.main` applies the selection).
    @OptionGroup var library: LibraryOptions

    /// The sweep or capacity CSV to report on; nil only with `--index`.
    @Argument(help: ArgumentHelp("The sweep CSV (NAME.meta.json beside it is read when present).", valueName: "results.csv"))
    var csv: String?
    /// Where the gnuplot script, data and images go; nil: `ResultPaths.defaultPlotsDirectory(forCSV:)`.
    @Option(
        help: ArgumentHelp(
            "Directory for the gnuplot script, its data and the images (default: beside the CSV, or plots/ beside a Results/ directory).", valueName: "dir"))
    var plotsDir: String?

    /// `--out-dir`, the old spelling of `--plots-dir` (what rebalance and compare call the same directory).
    @Option(name: .customLong("out-dir"), help: .hidden) var oldOutDir: String?
    /// Where the Markdown summary goes; nil: the CSV's directory. When it is the CSV's directory the index is rewritten.
    @Option(help: ArgumentHelp("Directory for the Markdown summary (default: beside the CSV).", valueName: "dir"))
    var resultsDir: String?
    /// `--index DIR`: rewrite DIR/README.md only, instead of a report.
    @Option(help: ArgumentHelp("Regenerate DIR/README.md, the index of the sweep CSVs in DIR, instead of a report.", valueName: "dir"))
    var index: String?

    /// Requires exactly one of a CSV and `--index`, refuses both spellings of the plots directory, and directory options
    /// that `--index` would ignore.
    func validate() throws {
        if csv == nil && index == nil { throw ValidationError("give a sweep CSV to report on, or --index DIR") }
        if csv != nil && index != nil { throw ValidationError("give either a sweep CSV or --index DIR, not both") }
        _ = try RenamedOption.value(plotsDir, "--plots-dir", old: oldOutDir, "--out-dir")
        if index != nil, let given = plotsDir.map({ _ in "--plots-dir" }) ?? oldOutDir.map({ _ in "--out-dir" }) ?? resultsDir.map({ _ in "--results-dir" }) {
            throw ValidationError("\(given) applies to a report on a CSV; --index DIR regenerates DIR/README.md only: drop \(given)")
        }
    }

    /// Writes the report (sweep or capacity, told apart by the CSV's schema line), prints every file written, and
    /// rewrites the index when the summary lands beside the CSV. Refuses up front to overwrite a README.md kbench did not
    /// write; a missing gnuplot is a hint, a failing one an error.
    func run() throws {
        if let dir = index {
            print(try SweepReport.writeIndex(resultsDir: dir))
            return
        }
        guard let csv else { return }
        if let note = RenamedOption.note(old: oldOutDir, "--out-dir", "--plots-dir") { Console.info(note) }
        let plotsDir = plotsDir ?? oldOutDir ?? ResultPaths.defaultPlotsDirectory(forCSV: csv)
        let summaryDir = resultsDir ?? ResultPaths.directory(csv)
        // the index is written last: refuse a README.md kbench did not write before writing anything
        let indexPath = (summaryDir as NSString).appendingPathComponent("README.md")
        if !GeneratedFile.mayOverwrite(indexPath) { try GeneratedFile.write("", to: indexPath) }
        let outcome =
            CapacityReport.isCapacityCSV(csv)
            ? try CapacityReport.generate(csvPath: csv, plotsDir: plotsDir, resultsDir: summaryDir)
            : try SweepReport.generate(csvPath: csv, plotsDir: plotsDir, resultsDir: summaryDir)
        for file in outcome.filesWritten { print(file) }
        if Self.standardized(URL(fileURLWithPath: csv).deletingLastPathComponent()) == Self.standardized(URL(fileURLWithPath: summaryDir)) {
            print(try SweepReport.writeIndex(resultsDir: summaryDir))
        }
        Console.info(outcome.headline)
        switch outcome.gnuplot {
        case .rendered(let warnings):
            if !warnings.isEmpty { Console.info("gnuplot said:\n\(warnings)") }
        case .notInstalled(let hint):
            Console.info(hint)
        case .skipped:
            break
        case .failed(let message):
            throw RunError("gnuplot failed: \(message)")
        }
    }

    /// A directory path in one canonical form (standardized, no trailing slash) for comparing two directories.
    private static func standardized(_ url: URL) -> String {
        let path = url.standardizedFileURL.path
        return path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }
}
