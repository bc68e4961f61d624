import Foundation

/// Turns a capacity CSV (and its time series) into the answer, a terminal table, a Markdown summary and two
/// gnuplot plots: lag in time over the run (one line per consumer count, the bound drawn) and the capacity plot
/// (consumed or sustainable rate against consumers, with both models).
public enum CapacityReport {
    /// What the rows say, per consumer count, for `--find-max-rate`, judged as the search judged it: the highest
    /// rate whose trials mostly sustained below the lowest whose trials mostly fell behind, whether it sustained at
    /// least twice ("confirmed"), and that lowest rate that fell behind.
    public struct SearchResult: Sendable, Equatable {
        public var consumers: Int
        public var sustained: Double?
        public var confirmed: Bool
        public var fellBehindAt: Double?
    }

    public static func searchResults(_ rows: [CapacityRow]) -> [SearchResult] {
        let byC = Dictionary(grouping: rows.filter { $0.search != "fixed" }, by: \.consumers)
        return byC.keys.sorted().map { c in
            // replay the search's evidence: each rate's majority outcome, as `RateSearch` judges it
            var search = RateSearch(start: byC[c]![0].targetRate)
            for (i, t) in byC[c]!.enumerated() {
                if i > 0 { search.force(rate: t.targetRate, role: t.search) }
                search.record(t.verdict)
            }
            let low = search.low
            return SearchResult(
                consumers: c, sustained: low, confirmed: low.map { search.tally($0).sustained >= 2 } ?? false, fellBehindAt: search.high)
        }
    }

    /// The answer in sentences: for a fixed rate, the smallest consumer count that sustained it beside the model;
    /// for a search, each count's sustainable rate beside r1 · min(C, P) and the assignment's bound.
    public static func answer(_ rows: [CapacityRow]) -> String {
        guard let first = rows.first else { return "no trial finished" }
        let fmt = CapacityModel.number
        let fixed = rows.filter { $0.search == "fixed" }
        var lines: [String] = []
        if !fixed.isEmpty {
            let rate = fixed[0].targetRate
            let bound = String(format: "%g s", fixed[0].maxLagS)
            let sustaining = fixed.filter { $0.verdict == .sustains }.map(\.consumers).sorted()
            let tried = fixed.map(\.consumers).sorted()
            if let smallest = sustaining.first {
                var s = "Smallest consumer count that sustains \(fmt(rate)) events/s with p99 lag ≤ \(bound): **\(smallest)** (measured"
                let above = fixed.filter { $0.consumers > smallest && $0.verdict != .sustains && $0.verdict != .invalid }
                if !above.isEmpty { s += "; but \(above.map { "C = \($0.consumers)" }.joined(separator: ", ")) did not: \(above[0].reason)" }
                lines.append(s + ").")
            } else {
                lines.append(
                    "No consumer count tried (\(tried.map(String.init).joined(separator: ", "))) sustains \(fmt(rate)) events/s with p99 lag ≤ \(bound).")
            }
            if first.r1.isFinite {
                let model = CapacityModel(rate: rate, r1: first.r1, partitions: first.partitions)
                lines.append("Model: " + model.explanation)
            }
            let invalid = fixed.filter { $0.verdict == .invalid }
            if !invalid.isEmpty {
                lines.append(
                    "Invalid (the producers fell behind, not the consumers): \(invalid.map { "C = \($0.consumers)" }.joined(separator: ", ")); use --producers."
                )
            }
        }
        for r in searchResults(rows) {
            let model = CapacityModel.evenRate(r1: first.r1, consumers: r.consumers, partitions: first.partitions)
            let bound = CapacityModel.assignmentRate(
                r1: first.r1, partitions: first.partitions, maxPartitions: (first.partitions + r.consumers - 1) / r.consumers)
            if let s = r.sustained {
                var line = "C = \(r.consumers): sustains \(fmt(s)) events/s" + (r.confirmed ? "" : " (seen once, not confirmed)")
                if let h = r.fellBehindAt { line += ", falls behind at \(fmt(h))" }
                line += "; r1 · C = \(fmt(model)) (\(String(format: "%+.1f%%", (s / model - 1) * 100)))"
                if abs(bound - model) > 0.5 { line += ", assignment bound r1 · P / ceil(P / C) = \(fmt(bound))" }
                lines.append(line + ".")
            } else {
                lines.append(
                    "C = \(r.consumers): no rate tried sustained" + (r.fellBehindAt.map { " (lowest tried that fell behind: \(fmt($0)))" } ?? "") + ".")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// What the run asked, for the plots' titles: the target rate and the lag bound, or the bound of a search.
    static func goal(_ rows: [CapacityRow]) -> String {
        guard let first = rows.first else { return "" }
        let bound = String(format: "p99 lag ≤ %g s", first.maxLagS)
        guard let fixed = rows.first(where: { $0.search == "fixed" }) else { return "highest rate with \(bound)" }
        return "target \(CapacityModel.number(fixed.targetRate)) events/s with \(bound)"
    }

    /// The answer as the capacity plot shows it, large above the panel: for a fixed rate the smallest consumer
    /// count that sustained it (its column shaded and its point ringed), for a search the highest rate sustained
    /// (the curve is the answer: nothing is ringed).
    static func plotAnswer(_ rows: [CapacityRow]) -> (text: String, color: String, consumers: Int?) {
        let fmt = CapacityModel.number
        if let fixed = rows.first(where: { $0.search == "fixed" }) {
            let sustaining = rows.filter { $0.search == "fixed" && $0.verdict == .sustains }.map(\.consumers)
            guard let c = sustaining.min() else {
                return ("Answer: no consumer count tried sustains \(fmt(fixed.targetRate)) events/s", "#c00000", nil)
            }
            return ("Answer: \(ReportText.count(c, "consumer")) (the fewest that sustain \(fmt(fixed.targetRate)) events/s)", "#006000", c)
        }
        let best = searchResults(rows).compactMap { r in r.sustained.map { (r.consumers, $0) } }.max { $0.1 < $1.1 }
        guard let best else { return ("Answer: no rate tried sustained", "#c00000", nil) }
        return ("Highest rate sustained: \(fmt(best.1)) events/s, with \(ReportText.count(best.0, "consumer"))", "#006000", nil)
    }

    /// The terminal table: one line per trial.
    public static func table(_ rows: [CapacityRow]) -> String {
        var out = "consumers    target  achieved  consumed    p99 lag    max lag  verdict"
        for r in rows {
            let lag = { (v: Double) in v.isFinite ? String(format: "%8.2fs", v) : "        -" }
            out += "\n" + String(format: "%9d  %8.0f  %8.0f  %8.0f", r.consumers, r.targetRate, r.achievedRate, r.consumedRate)
            out += "  " + lag(r.lagSecondsP99) + "  " + lag(r.lagSecondsMax) + "  " + r.verdict.rawValue
            if r.measuresHost { out += " (host: \(hostFlag(r)))" }
        }
        if rows.contains(where: \.measuresHost) {
            out +=
                "\n(host: …) the host's CPU was saturated or stolen by the hypervisor while that trial ran: its verdict may "
                + "measure the host, not the group; \(HostCPU.stolenAdvice)."
        }
        return out
    }

    /// "cpu-stolen 12.3%" or "host-bound 95.0%" for a trial that measured the host.
    static func hostFlag(_ r: CapacityRow) -> String {
        HostCPU.isStolen(r.hostStealPct)
            ? String(format: "cpu-stolen %.1f%%", r.hostStealPct) : String(format: "host-bound %.1f%%", r.hostCpuPct)
    }

    /// Writes the plots' data and script (and images when gnuplot is installed and `render`), and the summary.
    public static func generate(csvPath: String, plotsDir: String, resultsDir: String, render: Bool = true) throws(UsageError) -> ReportOutcome {
        let rows = try CapacityRow.read(csvPath: csvPath)
        guard let first = rows.first else { throw UsageError("\(csvPath) has no trial rows") }
        let name = ResultPaths.name(csvPath)
        let meta = try? RunMetadata.Recorded.load(csvPath: csvPath)
        do {
            try FileManager.default.createDirectory(atPath: plotsDir, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: resultsDir, withIntermediateDirectories: true)
        } catch {
            throw UsageError("cannot create \(plotsDir) or \(resultsDir): \(error.localizedDescription)")
        }
        let lagSeries = try readGroupLag(CapacityPaths(csv: csvPath).timeseries)
        let chosen = lagTrials(rows)
        var lagData = ""
        for (i, row) in chosen {
            lagData += "# C=\(row.consumers) rate=\(Int(row.targetRate)) \(row.verdict.rawValue)\n"
            for (t, lag) in lagSeries[i] ?? [] { lagData += String(format: "%.1f %.3f\n", t, lag) }
            lagData += "\n\n"
        }
        var capData = "# consumers measured model_even model_assignment target sustains fell_behind_at\n"
        let fixed = rows.filter { $0.search == "fixed" }
        let searches = searchResults(rows)
        let maxC = rows.map(\.consumers).max() ?? 1
        for c in 1...maxC {
            let even = CapacityModel.evenRate(r1: first.r1, consumers: c, partitions: first.partitions)
            let assigned = CapacityModel.assignmentRate(r1: first.r1, partitions: first.partitions, maxPartitions: (first.partitions + c - 1) / c)
            if let r = fixed.first(where: { $0.consumers == c }) {
                capData += String(format: "%d %.1f %.1f %.1f %.1f %d NaN\n", c, r.consumedRate, even, assigned, r.targetRate, r.verdict == .sustains ? 1 : 0)
            } else if let s = searches.first(where: { $0.consumers == c }) {
                capData += String(format: "%d %.1f %.1f %.1f NaN 1 %.1f\n", c, s.sustained ?? .nan, even, assigned, s.fellBehindAt ?? .nan)
            } else {
                capData += String(format: "%d NaN %.1f %.1f NaN 0 NaN\n", c, even, assigned)
            }
        }
        // the bound stays in view even when every line is far below it
        let dataTop = chosen.flatMap { lagSeries[$0.0] ?? [] }.map(\.1).max() ?? 0
        let yTop = String(format: "%.2f", max(first.maxLagS * 1.15, dataTop * 1.05))
        let lagFile = name + "-lag.dat", capFile = name + "-capacity.dat", scriptFile = name + ".gp"
        let broker = first.broker == "embedded" ? "embedded broker" : first.broker
        let subtitle = "P = \(first.partitions), \(first.assignor), work \(first.work), \(broker), r1 = \(CapacityModel.number(first.r1)) events/s"
        let goal = Self.goal(rows)
        var gp = """
            # kbench capacity plots for \(name).csv (regenerate with: kbench report \(name).csv)
            set terminal pngcairo size 1000,600 font 'sans,10'
            set datafile missing 'NaN'
            set key top left opaque box
            set grid

            set output \(Gnuplot.quoted(name + "-lag.png"))
            set title \(Gnuplot.doubleQuoted("Lag in time (worst partition) over the run: \(goal)\n\(subtitle)"))
            set xlabel 'seconds since the traffic started'
            set ylabel 'age of the oldest unconsumed event (s)'
            set yrange [0:\(yTop)]
            set arrow 1 from graph 0, first \(first.maxLagS) to graph 1, first \(first.maxLagS) nohead lw 2 dt 2 lc rgb '#c00000'
            set label 1 sprintf('bound %g s', \(first.maxLagS)) at graph 0.99, first \(first.maxLagS) right offset 0,0.7 tc rgb '#c00000'
            set arrow 2 from first \(first.warmupS), graph 0 to first \(first.warmupS), graph 1 nohead dt 3 lc rgb '#808080'
            set label 2 'end of warm-up' at first \(first.warmupS), graph 0.03 offset 0.5,0 tc rgb '#808080'

            """
        let titles = chosen.map { "C = \($0.1.consumers), \(CapacityModel.number($0.1.targetRate)) events/s: \($0.1.verdict.rawValue)" }
        let colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#000000", "#aec7e8"]
        // a run stopped before any trial ran its traffic has no lag series: an empty plot command would be a gnuplot
        // error, so the panel says why it is empty instead
        gp +=
            titles.isEmpty
            ? "set label 3 'no trial ran its traffic: no lag series to draw' at graph 0.5, graph 0.5 center\nplot NaN notitle\nunset label 3"
            : "plot "
                + titles.enumerated().map { i, t in
                    "\(Gnuplot.quoted(lagFile)) index \(i) using 1:2 with lines lw 2 lc rgb '\(colors[i % colors.count])' dt \(i / colors.count + 1) title \(Gnuplot.quoted(t))"
                }.joined(separator: ", \\\n     ")
        gp += "\n\nunset arrow 1\nunset arrow 2\nunset label 1\nunset label 2\n"
        let shown = Self.plotAnswer(rows)
        gp += """
            set output \(Gnuplot.quoted(name + "-capacity.png"))
            set title \(Gnuplot.doubleQuoted("\(fixed.isEmpty ? "Highest sustainable rate" : "Consumed rate") against consumers: \(goal)\n\(subtitle)"))
            set tmargin 6
            set label 10 \(Gnuplot.doubleQuoted(shown.text)) at screen 0.5, screen 0.95 center font ',14' textcolor rgb '\(shown.color)'
            \(shown.consumers.map { "set object 10 rect from \(Double($0) - 0.4), graph 0 to \(Double($0) + 0.4), graph 1 fillcolor rgb '#008000' fillstyle transparent solid 0.12 noborder behind" } ?? "")
            set xlabel 'consumers'
            set ylabel 'events/s'
            set xrange [0.5:\(Double(maxC) + 0.5)]
            set xtics 1
            set yrange [0:*]

            """
        if fixed.isEmpty {
            gp += "plot \(Gnuplot.quoted(capFile)) using 1:3 with lines dt 2 lw 2 title 'r1 · C (rate ÷ r1 sizing)', \\\n"
            gp +=
                "     \(Gnuplot.quoted(capFile)) using 1:4 with linespoints pt 1 lw 1 lc rgb '#808080' title 'model: r1 · P / ceil(P/C) (the busiest consumer keeps up)', \\\n"
            gp +=
                "     \(Gnuplot.quoted(capFile)) using 1:2:2:7 with yerrorbars pt 7 ps 1.5 lw 2 title 'measured: highest rate that sustains (bar: up to the lowest that fell behind)'\n"
        } else {
            gp += "plot \(Gnuplot.quoted(capFile)) using 1:3 with lines dt 2 lw 2 title 'r1 · min(C, P): every consumer busy (rate ÷ r1 sizing)', \\\n"
            gp +=
                "     \(Gnuplot.quoted(capFile)) using 1:4 with linespoints pt 1 lw 1 lc rgb '#808080' title 'model: highest sustainable rate r1 · P / ceil(P/C)', \\\n"
            gp += "     \(Gnuplot.quoted(capFile)) using 1:5 with lines lw 2 lc rgb '#c00000' title 'target rate', \\\n"
            gp += "     \(Gnuplot.quoted(capFile)) using 1:($6 == 1 ? $2 : 1/0) with points pt 7 ps 1.6 lc rgb '#008000' title 'consumed: sustains', \\\n"
            gp += "     \(Gnuplot.quoted(capFile)) using 1:($6 == 0 ? $2 : 1/0) with points pt 6 ps 1.6 lw 2 lc rgb '#c00000' title 'consumed: falls behind'"
            if let c = shown.consumers {
                gp += ", \\\n     \(Gnuplot.quoted(capFile)) using 1:($1 == \(c) ? $2 : 1/0) with points pt 6 ps 4.5 lw 3 lc rgb '#008000' title 'the answer'"
            }
            gp += "\n"
        }
        var written: [String] = []
        for (file, text) in [(lagFile, lagData), (capFile, capData), (scriptFile, gp)] {
            let path = RelativePath.join(plotsDir, file)
            try SweepReport.write(text, to: path)
            written.append(path)
        }
        let status = render ? GnuplotRunner.run(executable: GnuplotRunner.locate(), scriptFile: scriptFile, directory: plotsDir) : .skipped
        let lagPng = RelativePath.join(plotsDir, name + "-lag.png"), capPng = RelativePath.join(plotsDir, name + "-capacity.png")
        if case .rendered = status { written += [lagPng, capPng] }

        let rel = { (path: String) in RelativePath.from(resultsDir, to: path) }
        var md = GeneratedFile.markdownMarker + "\n# Capacity: \(name)\n\n"
        if let meta {
            md +=
                "Run of \(ResultsIndex.displayDate(meta.started ?? "")) on the \(meta.brokerKind ?? broker); \(meta.hostCores.map { String($0) + "-core host" } ?? "host unknown").\n\n"
            if let cmd = meta.commandLine { md += "```\n\(cmd)\n```\n\n" }
        }
        md += "## The answer\n\n" + answer(rows).split(separator: "\n").map { "- \($0)" }.joined(separator: "\n") + "\n\n"
        md += "![lag over time](\(rel(lagPng)))\n\n![capacity](\(rel(capPng)))\n\n"
        md +=
            "## Trials\n\n| C | search | target (events/s) | achieved (events/s) | consumed (events/s) | busiest consumer's partitions | lag p99 (s) | lag max (s) | growth (events/s) | latency p50/p99/max (ms) | verdict | reason |\n"
        md += "|---|---|---|---|---|---|---|---|---|---|---|---|\n"
        for r in rows {
            let lat = r.latencyP50Ms.isFinite ? String(format: "%.0f / %.0f / %.0f", r.latencyP50Ms, r.latencyP99Ms, r.latencyMaxMs) : "-"
            md +=
                "| \(r.consumers) | \(r.search) \(r.step) | \(CapacityModel.number(r.targetRate)) | \(CapacityModel.number(r.achievedRate)) | "
                + "\(CapacityModel.number(r.consumedRate)) | \(r.maxPartitionsPerConsumer) | "
            // lag and growth at the CSV's own precision, so that no figure is rounded twice
            md += String(format: "%.3f | %.3f | %.1f", r.lagSecondsP99, r.lagSecondsMax, r.lagGrowth)
            md += " | \(lat) | \(r.verdict.rawValue) | \(r.reason.replacing("|", with: "/")) |\n"
        }
        md += """

            ## How to read it

            - Open loop: producers send at the target rate on a fixed schedule; every event carries its *intended* send time, so
              a late producer cannot hide latency. Lag in time is the age of the oldest unconsumed event of the worst partition,
              sampled every 100 ms; lag in messages is summed over partitions.
            - The first \(String(format: "%g", first.warmupS)) s of each trial (warm-up) are left out of the lag percentiles and the latency.
            - **sustains**: over the second half of the run, the floor of the group's lag (its lowest value in each second)
              rises by at most 1% of the target rate per second (least-squares slope: a group that keeps up returns to a small
              lag after every hiccup), and the p99 lag in time is within the bound. **falls behind** otherwise, with the growth and
              when the bound was (or, at that growth, would be) crossed. **invalid**: the producers sent less than 99% of the
              schedule or more than 1% of it over 100 ms late; the harness, not the group, was the limit.
            - r1 comes from \(meta?.settings["r1_source"] ?? "a closed-loop one-consumer trial").
            - Files: [trials CSV](\(rel(csvPath))), [time series](\(rel(CapacityPaths(csv: csvPath).timeseries))), [gnuplot script](\(rel(RelativePath.join(plotsDir, scriptFile)))).

            """
        let summaryPath = RelativePath.join(resultsDir, name + ".md")
        try SweepReport.write(md, to: summaryPath)
        written.append(summaryPath)
        return ReportOutcome(filesWritten: written, gnuplot: status, headlinePlot: capPng, summary: summaryPath, headline: headline(rows))
    }

    /// Whether `path` starts with the capacity schema line.
    public static func isCapacityCSV(_ path: String) -> Bool {
        ResultPaths.firstLine(of: path)?.hasPrefix(CapacityRow.schemaPrefix) == true
    }

    /// One line for the results index.
    public static func headline(_ rows: [CapacityRow]) -> String {
        guard let first = rows.first else { return "capacity: no trial" }
        let fixed = rows.filter { $0.search == "fixed" }
        if !fixed.isEmpty {
            let rate = CapacityModel.number(fixed[0].targetRate)
            let model = first.r1.isFinite ? CapacityModel(rate: fixed[0].targetRate, r1: first.r1, partitions: first.partitions) : nil
            let modelText =
                model.map { m in
                    " (model: \(m.consumersForPartitions.map(String.init) ?? "none on \(first.partitions) partitions"); rate ÷ r1: \(m.evenSplitConsumers))"
                } ?? ""
            if let c = fixed.filter({ $0.verdict == .sustains }).map(\.consumers).min() {
                return "capacity: \(rate) events/s on \(first.partitions) partitions sustained from \(c) consumers\(modelText)"
            }
            return "capacity: \(rate) events/s on \(first.partitions) partitions: no consumer count tried sustained it\(modelText)"
        }
        let parts = searchResults(rows).map { r in "C=\(r.consumers): \(r.sustained.map(CapacityModel.number) ?? "none")" }
        return "capacity: highest sustainable rate (events/s) on \(first.partitions) partitions, " + parts.joined(separator: ", ")
    }

    /// Trials shown in the lag plot: every fixed-rate trial; for a search, each count's highest sustained trial and
    /// its lowest falling-behind trial above. Keyed by 1-based trial number.
    static func lagTrials(_ rows: [CapacityRow]) -> [(Int, CapacityRow)] {
        let indexed = rows.enumerated().map { ($0.offset + 1, $0.element) }
        let fixed = indexed.filter { $0.1.search == "fixed" && $0.1.verdict != .failed }
        if !fixed.isEmpty { return fixed }
        var out: [(Int, CapacityRow)] = []
        for r in searchResults(rows) {
            if let s = r.sustained, let t = indexed.last(where: { $0.1.consumers == r.consumers && $0.1.targetRate == s && $0.1.verdict == .sustains }) {
                out.append(t)
            }
            if let h = r.fellBehindAt, let t = indexed.last(where: { $0.1.consumers == r.consumers && $0.1.targetRate == h && $0.1.verdict == .fallsBehind }) {
                out.append(t)
            }
        }
        return out
    }

    /// The group's lag in time per trial (`t_s`, `lag_s`), from the time series CSV; none when the file is absent
    /// (the plot then has no lag panel). A malformed file is refused with its line and column.
    static func readGroupLag(_ path: String) throws(UsageError) -> [Int: [(Double, Double)]] {
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        let table = try CSVTable.read(path: path, kind: "capacity timeseries", versions: 1...1)
        try table.requireColumns(CapacityFiles.timeseriesColumns, kind: "capacity timeseries")
        var out: [Int: [(Double, Double)]] = [:]
        for row in table.rows where row.string("partition") == "all" {
            out[try row.int("trial", atLeast: 1), default: []].append(
                (try row.double("t_s", required: true), try row.double("lag_s", required: true, signed: true)))
        }
        return out
    }
}
