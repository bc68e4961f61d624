import ArgumentParser
import Foundation
import KafkaBench

/// `kbench compare A.csv B.csv …`: sweeps side by side (overlay plot, table of medians, ratios and verdicts,
/// settings that differ).
/// Offline like `kbench report`: it reads CSVs and their metadata and never connects to a cluster.
struct CompareCommand: ParsableCommand {
    /// The command's name, one-line help and how the verdicts are decided.
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare sweeps: an overlay plot and a table of medians, ratios to the first run and verdicts.",
        discussion: """
            For every (mode, partitions × topics, assignor, consumers) the table gives each run's median events/s \
            (min–max over its repeats), the ratio to the first run, and a verdict: faster or slower only when every \
            repeat lies beyond every repeat of the first run, within noise when they overlap, noise unknown with one \
            run per point. Settings that differ in the runs' metadata are listed. Runs of different work models or \
            modes are refused unless --force.
            """)

    /// `--librdkafka`, declared so the command accepts it like every other (`KBench.main` applies the selection).
    @OptionGroup var library: LibraryOptions

    /// Two or more sweep CSVs; the first is the reference for ratios and verdicts.
    @Argument(help: ArgumentHelp("Two or more sweep CSVs; the first is the reference.", valueName: "results.csv"))
    var csvs: [String] = []
    /// The Markdown report's path (must end in .md); nil: compare-<first>-vs-<second>.md beside the first CSV.
    @Option(help: ArgumentHelp("The Markdown report (default: compare-<first>-vs-<second>.md beside the first CSV).", valueName: "path.md"))
    var out: String?
    /// Where the overlay plot's files go; nil: beside the report, or plots/ beside a Results/ directory.
    @Option(
        help: ArgumentHelp(
            "Directory for the plot's script, data and images (default: beside the report, or plots/ beside a Results/ directory).", valueName: "dir"))
    var plotsDir: String?
    /// Compare runs whose work models or modes differ (refused otherwise: their figures measure different things).
    @Flag(help: "Compare runs of different work models or modes anyway.") var force = false

    /// Refuses fewer than two CSVs and an `--out` that is not a .md path.
    func validate() throws {
        if csvs.count < 2 { throw ValidationError("give at least two sweep CSVs to compare (got \(csvs.count))") }
        if let out, !out.hasSuffix(".md") { throw ValidationError("--out must name a Markdown file ending in .md (got \(out))") }
    }

    /// Loads the runs, writes the report and plot, and prints every file written; a missing gnuplot is a hint, a failing
    /// one an error.
    func run() throws {
        let comparison = try RunComparison.load(csvPaths: csvs, force: force)
        let names = csvs.map(ResultPaths.name)
        let path = out ?? joinedPath(ResultPaths.directory(csvs[0]), "compare-\(names[0])-vs-\(names[1]).md")
        let outcome = try ComparisonReport.write(comparison, markdownPath: path, plotsDir: plotsDir ?? ResultPaths.defaultPlotsDirectory(forCSV: path))
        for file in outcome.filesWritten { print(file) }
        if case .notInstalled(let hint) = outcome.gnuplot { Console.info(hint) }
        if case .failed(let message) = outcome.gnuplot { throw RunError("gnuplot failed: \(message)") }
    }

    /// `dir/name`, or `name` alone in the current directory.
    private func joinedPath(_ dir: String, _ name: String) -> String { dir == "." ? name : dir + "/" + name }
}
