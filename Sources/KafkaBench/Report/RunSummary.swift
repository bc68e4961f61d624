/// `Results/<name>.md`: a sweep's findings, metadata, knees, scaling tables and links to its plots.
/// Built by `SweepReport.generate` from the analysis and the paths it wrote; a pure formatter.
struct RunSummary {
    /// A plot as the summary links it, paths relative to the results directory.
    /// One per plot in `plots`; the headline's PNG is also shown inline at the top.
    struct PlotLink {
        /// The plot's title, used as link text and image alt text.
        var title: String
        /// The PNG and SVG paths, relative to the results directory.
        var png: String
        var svg: String
    }

    /// Everything the summary states: rows, series, knees, headline and findings.
    let analysis: SweepAnalysis
    /// The CSV, seen from the results directory.
    let csvLink: String
    /// Headline (throughput) plot first.
    let plots: [PlotLink]
    /// The gnuplot script and its data file, seen from the results directory.
    let scriptLink: String
    let dataLink: String
    /// Why the images are missing, when gnuplot did not render them.
    let notRendered: String?

    /// The whole Markdown file: the generated-file marker, headline, headline plot, findings, then the run, knee,
    /// scaling, plots and failed-trials sections.
    func markdown() -> String {
        let a = analysis
        var l: [String] = [GeneratedFile.markdownMarker, "# Sweep \(a.name)", "", "**\(a.headline).**", ""]
        if let head = plots.first { l += ["![\(head.title)](\(head.png))", ""] }
        if let why = notRendered { l += ["> Plots not rendered: \(why)", ""] }
        l += ["## Findings", "", a.findings, ""]
        l += runTable()
        l += kneeTable()
        l += ["## Scaling", ""]
        for s in a.series { l += scalingTable(s) }
        l += ["## Plots", ""]
        for p in plots { l.append("- [\(p.title)](\(p.png)) ([SVG](\(p.svg)))") }
        l += [
            "- gnuplot script [\(name(scriptLink))](\(scriptLink)) and its data [\(name(dataLink))](\(dataLink)): "
                + "re-render with `gnuplot \(name(scriptLink))` in the plots directory.", "",
        ]
        l += failedTable()
        return l.joined(separator: "\n")
    }

    /// The last path component, as link text.
    private func name(_ path: String) -> String { String(path.split(separator: "/").last ?? Substring(path)) }

    /// "## Run": command line, broker, host, versions, work, mode, trial counts and the data link; the meta's values
    /// first, the rows' when the meta lacks them (older sweeps).
    private func runTable() -> [String] {
        let a = analysis, m = a.meta
        var rows: [(String, String)] = []
        if let c = m.commandLine { rows.append(("command line", ReportText.code(c))) }
        rows.append(("broker", a.brokerKind))
        if let s = a.started { rows.append(("started", s)) }
        if m.hostCores != nil || m.hostMemoryGiB != nil {
            let parts = [m.hostCores.map { ReportText.count($0, "core") }, m.hostMemoryGiB.map { String(format: "%.1f GiB memory", $0) }]
            rows.append(("host", parts.compactMap { $0 }.joined(separator: ", ")))
        }
        if let v = m.kbenchVersion { rows.append(("kbench", v)) }
        if let v = m.librdkafkaVersion ?? a.rows.first?.librdkafka, !v.isEmpty { rows.append(("librdkafka", v)) }
        rows.append(("work", m.work ?? Set(a.rows.map(\.work)).sorted().joined(separator: ", ")))
        rows.append(("mode", m.mode ?? Set(a.rows.map(\.mode)).sorted().joined(separator: ", ")))
        if let k = m.keyDistribution { rows.append(("keys", k)) }
        let failed = a.failedTrials.count
        rows.append(("trials", "\(a.rows.count) (\(a.rows.count - failed) ok\(failed > 0 ? ", \(failed) failed" : ""))"))
        if let s = m.status { rows.append(("status", s)) }
        rows.append(("data", "[\(name(csvLink))](\(csvLink))"))
        return ["## Run", "", "| | |", "|---|---|"] + rows.map { "| \($0.0) | \(ReportText.tableCell($0.1)) |" } + [""]
    }

    /// "## Knee": one line per series, the knee and its bound, or "still rising" at the largest count.
    private func kneeTable() -> [String] {
        let a = analysis
        var l = [
            "## Knee", "",
            "The knee is the smallest consumer count after which adding consumers gains less than 5% (median events/s); "
                + "the bound is what the group ran into there.", "",
            "| series | P·T | knee (consumers) | events/s at knee | bound |", "|---|---:|---:|---:|---|",
        ]
        for s in a.series {
            let name = ReportText.tableCell(a.seriesName(s.key) + (Set(a.series.map(\.key.mode)).count > 1 ? "" : ", \(s.key.mode)"))
            if let k = a.knees[s.key] {
                l.append("| \(name) | \(s.partitionSlots) | \(k.consumers) | \(ReportText.rate(k.throughput)) | \(k.bound.rawValue) |")
            } else {
                l.append("| \(name) | \(s.partitionSlots) | none: still rising at \(s.points.last?.consumers ?? 0) | – | – |")
            }
        }
        return l + [""]
    }

    /// One series' table: median and range, speedup over its smallest count, efficiency, idle consumers, audit, repeats
    /// and host CPU per consumer count, under a line that says what the model is scaled from.
    private func scalingTable(_ s: ScalingSeries) -> [String] {
        guard let base = s.points.first else { return [] }
        let title = analysis.seriesName(s.key) + (Set(analysis.series.map(\.key.mode)).count > 1 ? "" : ", \(s.key.mode) mode")
        let model =
            s.baselineConsumers.map { k in
                "Model scaled from C = \(k)" + Baseline.warnings(k: k, partitionSlots: s.partitionSlots).map { " (warning: \($0))" }.joined() + "."
            }
            ?? "No model: \(s.baselineMissing ?? "no baseline")."
        var l = [
            "### \(title)", "", ReportText.tableCell(model), "",
            "| consumers | median events/s | min–max events/s | speedup vs \(ReportText.count(base.consumers, "consumer")) | efficiency | idle consumers | lost | duplicates | repeats | host CPU |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for p in s.points {
            let speedup = p.throughputMedian / base.throughputMedian
            l.append(
                "| \(p.consumers) | \(ReportText.rate(p.throughputMedian)) | \(ReportText.rate(p.throughputMin))–\(ReportText.rate(p.throughputMax)) "
                    + "| \(ReportText.factor(speedup)) | \(ReportText.percent(p.efficiency)) | \(p.idleConsumers) | \(p.lost) | \(p.duplicates) | \(p.trials) | \(hostCPU(p)) |"
            )
        }
        return l + [""]
    }

    /// "97% host-bound", "42% (31% stolen) **stolen**", "42%", or "–" when not recorded (schema 1 files).
    private func hostCPU(_ p: ScalingPoint) -> String {
        guard p.hostCpuPct.isFinite else { return "–" }
        var text = String(format: "%.0f%%", p.hostCpuPct)
        if p.stolen { text += String(format: " (%.0f%% stolen)", p.hostStealPct) }
        if p.hostBound { text += " **host-bound**" } else if p.stolen { text += " **stolen**" }
        return text
    }

    /// "## Failed trials" with each reason; nothing when every trial succeeded.
    private func failedTable() -> [String] {
        let failed = analysis.failedTrials
        guard !failed.isEmpty else { return [] }
        var l = ["## Failed trials", "", "| partitions | consumers | assignor | mode | repeat | reason |", "|---:|---:|---|---|---:|---|"]
        for r in failed {
            l.append("| \(r.partitions) | \(r.consumers) | \(r.assignor) | \(r.mode) | \(r.repeat) | \(ReportText.tableCell(r.reason)) |")
        }
        return l + [""]
    }
}
