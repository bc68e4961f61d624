import Foundation

/// The report a sweep or capacity run renders when it ends (unless `--no-report`): its summary and plots beside the
/// CSV, and the index of a `Results/` directory. A report that fails never costs the run its results: the CSV is
/// kept and the failure is one of the lines returned.
public enum RunReport {
    /// Renders the report of the run whose CSV is `csvPath` and returns what to tell the user, a line each.
    public static func afterRun(csvPath: String) -> [String] {
        let resultsDir = ResultPaths.directory(csvPath)
        let plotsDir = ResultPaths.defaultPlotsDirectory(forCSV: csvPath)
        var lines: [String] = []
        do {
            let outcome =
                CapacityReport.isCapacityCSV(csvPath)
                ? try CapacityReport.generate(csvPath: csvPath, plotsDir: plotsDir, resultsDir: resultsDir)
                : try SweepReport.generate(csvPath: csvPath, plotsDir: plotsDir, resultsDir: resultsDir)
            lines.append("report: " + outcome.filesWritten.joined(separator: ", "))
            if case .notInstalled(let hint) = outcome.gnuplot { lines.append(hint) }
            if case .failed(let message) = outcome.gnuplot { lines.append("gnuplot failed: \(message)") }
            if (resultsDir as NSString).lastPathComponent == "Results" {
                lines.append("index: \(try SweepReport.writeIndex(resultsDir: resultsDir))")
            }
        } catch {
            lines.append("report failed (the CSV is kept): \(error)")
        }
        return lines
    }
}
