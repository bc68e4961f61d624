import Foundation

/// The gnuplot side of a report: a self-contained script and the data file of per-consumer-count aggregates it plots.
///
/// The script reads the sweep CSV itself (the individual repeats, by column name) and `<name>.dat` (medians, min
/// and max per consumer count, one block per series), both by paths relative to the plots directory, so
/// `cd plots && gnuplot <name>.gp` re-renders every PNG and SVG.
struct GnuplotScript {
    /// The columns of every `<name>.dat` block, in gnuplot's 1-based order.
    static let dataColumns = [
        "consumers", "msgs_per_s_median", "msgs_per_s_min", "msgs_per_s_max", "consumer_rate_median",
        "consumer_rate_min", "consumer_rate_max", "min_partitions_per_consumer", "max_partitions_per_consumer",
        "model_msgs_per_s", "trials", "host_bound",
    ]

    /// One image of the report.
    /// `throughput` is the headline; `drain` appears only next to a window headline.
    enum Plot: String, CaseIterable {
        /// The raw value names the image files (`<name>-per-consumer.png`).
        case throughput, drain, balance, perConsumer = "per-consumer"
    }

    /// The sweep's name: the stem of the script, data and image files.
    let name: String
    /// The sweep CSV as seen from the plots directory.
    let csvPath: String
    /// The broker as the subtitles show it (`ReportText.brokerKind`: the meta's kind, else "embedded" or the bootstrap).
    let brokerKind: String
    /// Every series of the sweep; block `i` of the data file is `series[i]`.
    let series: [ScalingSeries]

    /// Keeps what the texts need; nothing is written until the caller writes `dataText()` and `scriptText()`.
    init(name: String, csvPath: String, brokerKind: String, series: [ScalingSeries]) {
        self.name = name; self.csvPath = csvPath; self.brokerKind = brokerKind; self.series = series
    }

    /// The script's file name, inside the plots directory.
    var scriptFile: String { name + ".gp" }
    /// The aggregates' file name, inside the plots directory; the script refers to it by this relative name.
    var dataFile: String { name + ".dat" }

    /// The mode of the headline plot: window when the sweep has window trials, else drain.
    var primaryMode: String { series.contains { $0.key.mode == "window" } ? "window" : "drain" }

    /// The plots this sweep has data for, headline (throughput) first.
    var plots: [Plot] {
        guard !series.isEmpty else { return [] }
        var p: [Plot] = [.throughput]
        if primaryMode == "window" && series.contains(where: { $0.key.mode == "drain" }) { p.append(.drain) }
        return p + [.balance, .perConsumer]
    }

    /// An image's file name inside the plots directory, `<name>-<plot>.<ext>` (`ext` "png" or "svg").
    func imageFile(_ plot: Plot, _ ext: String) -> String { "\(name)-\(plot.rawValue).\(ext)" }

    // MARK: data file

    /// `<name>.dat`: one comma-separated block per series, blocks separated by two blank lines (gnuplot `index`).
    func dataText() -> String {
        var out = "# kbench report data for sweep \(name): per consumer count, over the repeats with status ok\n"
        out += "# columns: " + Self.dataColumns.enumerated().map { "\($0.offset + 1) \($0.element)" }.joined(separator: ", ") + "\n"
        for (i, s) in series.enumerated() {
            if i > 0 { out += "\n\n" }
            out += "# index \(i): \(describe(s.key))\n"
            for p in s.points {
                let cells: [String] = [
                    String(p.consumers), Gnuplot.number(p.throughputMedian), Gnuplot.number(p.throughputMin), Gnuplot.number(p.throughputMax),
                    Gnuplot.number(p.consumerRateMedian), Gnuplot.number(p.consumerRateMin), Gnuplot.number(p.consumerRateMax),
                    String(p.minPartitionsPerConsumer), String(p.maxPartitionsPerConsumer),
                    Gnuplot.number(s.modelAt(p)), String(p.trials), p.measuresHost ? "1" : "0",
                ]
                out += cells.joined(separator: ",") + "\n"
            }
        }
        return out
    }

    // MARK: script

    /// The gnuplot script: a header that says how to re-render, the `trial(…)` predicate that picks one series' ok rows
    /// out of the sweep CSV, and one section per plot in `plots`, each writing a PNG and then an SVG.
    func scriptText() -> String {
        var out = """
            # kbench report: plots of sweep \(name) (\(brokerKind)).
            # Re-render from this directory: gnuplot \(scriptFile)
            # Reads the sweep CSV (individual repeats) and \(dataFile) (written by kbench report; columns:
            # \(Self.dataColumns.enumerated().map { "\($0.offset + 1) \($0.element)" }.joined(separator: ", "))).

            set encoding utf8
            csv = \(q(csvPath))
            dat = \(q(dataFile))
            # true for the CSV row being read when it is an ok trial of the given series
            trial(w, m, t, p, a) = strcol('status') eq 'ok' && strcol('work') eq w && strcol('mode') eq m \\
                && column('topics') == t && column('partitions') == p && strcol('assignor') eq a

            """
        for plot in plots {
            out += "\n" + section(plot)
        }
        return out
    }

    /// One plot's section: resets gnuplot's state, sets the frame, axes and legend, plots, then replots as SVG.
    private func section(_ plot: Plot) -> String {
        let shown = seriesIndices(for: plot)
        let frame = Frame(series: shown.map { series[$0] })
        var l: [String] = ["# \(plot.rawValue)", "reset", "set datafile separator ','", terminal("png", plot)]
        l += [
            "set title \(qq(title(plot) + "\n" + subtitle(plot))) font 'Sans,19'",
            "set xlabel 'consumers in the group'", "set border 3", "set tics nomirror",
            "set grid lc rgb '#e0e0e0'", "set samples 2000", "set bars 1.5", "set tmargin 5",
            "set xrange [\(Gnuplot.number(frame.xMin)):\(Gnuplot.number(frame.xMax))]",
            "set label 99 \(q("kbench sweep \(name)")) at screen 0.008, screen 0.015 left font 'Sans,11' tc rgb '#888888'",
        ]
        if frame.xMax <= 24 { l.append("set xtics 1") }
        l += frame.partitionMarkers(idleLabelY: plot == .balance ? 0.15 : 0.05)
        switch plot {
        case .throughput, .drain:
            let top = shown.flatMap { i in series[i].points.flatMap { [$0.throughputMax, series[i].modelAt($0)] } }
            let scale = Scale(maximum: Statistics.maximum(top))
            l += [
                "set ylabel \(q(plot == .drain ? "drain throughput (\(scale.unit), backlog / makespan)" : "throughput (\(scale.unit))"))",
                "set yrange [0:\(Gnuplot.number(scale.axisTop))]", "scale = \(Gnuplot.real(scale.divisor))",
                key(inside: "top left", shown: shown),
            ]
        case .balance:
            let top = shown.flatMap { series[$0].points.map(\.maxPartitionsPerConsumer) }.max() ?? 1
            l += [
                "set ylabel 'partitions per consumer'", "set yrange [0:\(Int(Double(top) * 1.2) + 1)]",
                key(inside: "right center", shown: shown),
            ]
            if top <= 24 { l.append("set ytics 1") }
        case .perConsumer:
            let top = shown.flatMap { i in series[i].points.map(\.consumerRateMax) + [series[i].r1] }
            let scale = Scale(maximum: Statistics.maximum(top))
            l += [
                "set ylabel \(q("events/s per active consumer (\(scale.unit))"))",
                "set yrange [0:\(Gnuplot.number(scale.axisTop))]", "scale = \(Gnuplot.real(scale.divisor))",
                key(inside: "top right", shown: shown),
            ]
        }
        l += modelFunctions(plot, shown: shown)
        l.append("plot \\\n    " + plotElements(plot, shown: shown, frame: frame).joined(separator: ", \\\n    "))
        l += [terminal("svg", plot), "replot", "unset output"]
        return l.joined(separator: "\n") + "\n"
    }

    /// Legend entries for the series: one per colour (assignor), plus one per point shape when shapes mark P·T.
    private func legendEntries(_ shown: [Int]) -> Int {
        let colours = Set(shown.map { colourKey(series[$0].key) }).count
        let slots = Set(shown.map { series[$0].partitionSlots }).count
        return colours + (slots > 1 ? slots : 0)
    }

    /// The legend inside the plot where the data leaves room, or below it when several partition counts share the
    /// plot (their curves fill it) or it has many entries.
    private func key(inside position: String, shown: [Int]) -> String {
        crowded(shown)
            ? "set key below center horizontal nobox samplen 3 spacing 1.25 width -3"
            : "set key \(position) box opaque samplen 3 spacing 1.25"
    }

    /// Whether the legend goes below the plot: several partition counts share it, or it would have over six entries.
    private func crowded(_ shown: [Int]) -> Bool { slotValues(shown).count > 1 || legendEntries(shown) > 6 }

    /// The `set terminal` and `set output` lines for a 1200×800 PNG (pngcairo) or SVG of the plot.
    private func terminal(_ kind: String, _ plot: Plot) -> String {
        let file = q(imageFile(plot, kind))
        if kind == "png" {
            return "set terminal pngcairo size 1200,800 font 'Sans,15' noenhanced linewidth 1.5 background '#ffffff'\nset output \(file)"
        }
        return "set terminal svg size 1200,800 dynamic font 'Sans,15' noenhanced linewidth 1.5 background '#ffffff'\nset output \(file)"
    }

    /// The plot's title line; the throughput plot names the mode it shows.
    private func title(_ plot: Plot) -> String {
        switch plot {
        case .throughput: return "Group throughput vs consumers (\(primaryMode) mode)"
        case .drain: return "Drain throughput vs consumers"
        case .balance: return "Partitions per consumer vs consumers"
        case .perConsumer: return "Per-consumer throughput vs consumers"
        }
    }

    /// The subtitle: broker, works and (when the legend has no room for it) the one r1, then how to read the marks.
    private func subtitle(_ plot: Plot) -> String {
        let indices = seriesIndices(for: plot)
        let shown = indices.map { series[$0] }
        let works = Set(shown.map(\.key.work)).sorted().joined(separator: ", ")
        let repeats = shown.flatMap { $0.points.map(\.trials) }.max() ?? 0
        let rates = Set(modelGroups(indices).map { ReportText.rate($0.r1) })
        let r1 = crowded(indices) && rates.count == 1 ? " · r1 = \(rates.first!) events/s" : ""
        let reading: String
        switch plot {
        case .throughput, .drain: reading = "median of \(repeats == 1 ? "1 repeat" : "up to \(repeats) repeats"); bars: min–max"
        case .balance: reading = "solid: most on one consumer, dashed: fewest"
        case .perConsumer: reading = "median consumer; bars: slowest–fastest"
        }
        return "broker: \(brokerKind) · work \(works)\(plot == .balance ? "" : r1)\n\(reading)"
    }

    /// The series a plot shows, as indices into `series` (= data file blocks).
    private func seriesIndices(for plot: Plot) -> [Int] {
        let mode = plot == .drain ? "drain" : primaryMode
        return series.indices.filter { series[$0].key.mode == mode }
    }

    /// One model curve per P·T among the shown series (r1 is their median).
    private func modelGroups(_ shown: [Int]) -> [(pt: Int, r1: Double)] {
        Dictionary(grouping: shown.map { series[$0] }, by: \.partitionSlots).sorted { $0.key < $1.key }
            .map { (pt: $0.key, r1: Statistics.median($0.value.map(\.r1))) }
            .filter { $0.r1.isFinite }
    }

    /// gnuplot functions for the model curves that are drawn from a formula rather than from the data file: the window
    /// model r1 × min(C, P·T) per P·T, and the even split P·T / C of the balance plot.
    private func modelFunctions(_ plot: Plot, shown: [Int]) -> [String] {
        switch plot {
        case .throughput where primaryMode == "window":
            return modelGroups(shown).enumerated().map { i, g in
                "model\(i)(x) = (\(ScalingModel.gnuplot(.window, r1: Gnuplot.real(g.r1), slots: g.pt))) / scale"
            }
        case .throughput, .drain:
            return []  // drawn from each series' model column (the real partition sizes), see plotElements
        case .balance:
            return slotValues(shown).enumerated().map { i, pt in "even\(i)(x) = x < 1 ? NaN : \(Gnuplot.real(Double(pt))) / x" }
        case .perConsumer:
            return []
        }
    }

    /// The distinct P·T (partitions × topics) values among the shown series, ascending.
    private func slotValues(_ shown: [Int]) -> [Int] { Set(shown.map { series[$0].partitionSlots }).sorted() }

    /// The `plot` command's elements: per series its repeats (faint points, throughput plots only), its medians with
    /// min–max bars, host-bound rings, then shape legend entries and the model lines. A colour is titled once.
    private func plotElements(_ plot: Plot, shown: [Int], frame: Frame) -> [String] {
        var e: [String] = []
        let c = Self.dataColumns
        /// A data-file column as gnuplot's `$N` (1-based), by its name in `dataColumns`.
        func col(_ name: String) -> String { "$\(c.firstIndex(of: name)! + 1)" }
        var titled = Set<ColourKey>()
        var ringed = false
        for i in shown {
            let s = series[i]
            let (colour, point) = style(s, among: shown)
            let title = titled.insert(colourKey(s.key)).inserted ? "title \(q(label(s.key)))" : "notitle"
            let off = Gnuplot.number(frame.offset(s.key.assignor))
            let x = "(\(col("consumers")) + \(off))"
            let block = "dat index \(i) using "
            switch plot {
            case .throughput, .drain:
                e.append(
                    "csv using (\(trialCall(s.key)) ? column('consumers') + \(off) : NaN):(column('msgs_per_s') / scale) "
                        + "with points pt 7 ps 0.55 lc rgb '#A0\(colour)' notitle")
                e.append(
                    block + "\(x):(\(col("msgs_per_s_median")) / scale):(\(col("msgs_per_s_min")) / scale):(\(col("msgs_per_s_max")) / scale) "
                        + "with yerrorlines pt \(point) ps 1.5 lw 1.5 lc rgb '#\(colour)' \(title)")
                // host-bound points (saturated or stolen CPU) measure the host, not the group: ringed, so that the
                // plot cannot be read as a plateau of the consumer group
                if s.points.contains(where: \.measuresHost) {
                    e.append(
                        block + "\(x):(\(col("host_bound")) == 1 ? \(col("msgs_per_s_median")) / scale : NaN) "
                            + "with points pt 6 ps 3 lw 2 lc rgb '#C00000' "
                            + (ringed ? "notitle" : "title \(q("host CPU saturated or stolen: measures this host, not the group"))"))
                    ringed = true
                }
            case .balance:
                e.append(block + "\(x):(\(col("max_partitions_per_consumer"))) with linespoints pt \(point) ps 1.5 lw 1.5 lc rgb '#\(colour)' \(title)")
                e.append(block + "\(x):(\(col("min_partitions_per_consumer"))) with linespoints pt \(point - 1) ps 1.5 lw 1.5 dt 2 lc rgb '#\(colour)' notitle")
            case .perConsumer:
                e.append(
                    block + "\(x):(\(col("consumer_rate_median")) / scale):(\(col("consumer_rate_min")) / scale):(\(col("consumer_rate_max")) / scale) "
                        + "with yerrorlines pt \(point) ps 1.5 lw 1.5 lc rgb '#\(colour)' \(title)")
            }
        }
        let slots = slotValues(shown)
        if slots.count > 1 {
            for (i, pt) in slots.enumerated() {
                e.append("keyentry with points pt \(Self.points[i % Self.points.count]) ps 1.5 lc rgb '#444444' title \(q(slotName(pt, shown)))")
            }
        }
        let groups = modelGroups(shown)
        let oneRate = Set(groups.map { ReportText.rate($0.r1) }).count == 1
        let r1Text = oneRate && !crowded(shown) ? groups.first.map { ", r1 = \(ReportText.rate($0.r1)) events/s" } ?? "" : ""
        let ptText = groups.count == 1 ? String(groups[0].pt) : "P·T"
        let modelStyle = "with lines dt 2 lw 2 lc rgb '#333333'"
        switch plot {
        case .throughput where primaryMode == "window":
            for i in groups.indices {
                e.append("model\(i)(x) \(modelStyle) " + (i == 0 ? "title \(q("model: r1 × min(C, \(ptText))\(r1Text)"))" : "notitle"))
            }
        case .throughput, .drain:
            // Per series: r1 × total backlog / the largest consumer's backlog, from the real assignment and sizes.
            for (n, i) in shown.enumerated() {
                e.append(
                    "dat index \(i) using \(c.firstIndex(of: "consumers")! + 1):($\(c.firstIndex(of: "model_msgs_per_s")! + 1) / scale) \(modelStyle) "
                        + (n == 0 ? "title \(q("model: r1 × total / largest consumer backlog\(r1Text)"))" : "notitle"))
            }
            _ = ptText
        case .balance:
            for i in slots.indices {
                let t = slots.count == 1 ? "\(slots[0]) / C" : "P·T / C"
                e.append("even\(i)(x) with lines dt 3 lw 1.5 lc rgb '#777777' " + (i == 0 ? "title \(q("even split: \(t)"))" : "notitle"))
            }
        case .perConsumer:
            var drawn = Set<String>()
            for g in groups where drawn.insert(ReportText.rate(g.r1)).inserted {
                e.append("\(Gnuplot.real(g.r1)) / scale \(modelStyle) " + (drawn.count == 1 ? "title \(q("one consumer alone (r1)\(r1Text)"))" : "notitle"))
            }
        }
        return e
    }

    /// A call of the script's `trial(…)` predicate for the series `k`.
    private func trialCall(_ k: ScalingSeries.Key) -> String {
        "trial(\(q(k.work)), \(q(k.mode)), \(k.topics), \(k.partitions), \(q(k.assignor)))"
    }

    // MARK: series styles and labels

    /// Series of the same work and assignor share a colour in every plot.
    private struct ColourKey: Hashable { var work: String; var assignor: String }
    private func colourKey(_ k: ScalingSeries.Key) -> ColourKey { ColourKey(work: k.work, assignor: k.assignor) }

    /// Hex colours, the Okabe–Ito colour-blind-safe palette plus a brown, given out in the order in which each work and
    /// assignor pair first appears among the series.
    private static let colours = ["0072B2", "D55E00", "009E73", "CC79A7", "E69F00", "56B4E9", "000000", "8C564B"]
    /// Filled point types (the open variant is one less).
    private static let points = [7, 5, 9, 11, 13, 15]

    /// Colour by work and assignor; point shape by P·T when a plot has several, else by colour.
    private func style(_ s: ScalingSeries, among shown: [Int]) -> (colour: String, point: Int) {
        let colourKeys = series.map { colourKey($0.key) }.reduce(into: [ColourKey]()) { if !$0.contains($1) { $0.append($1) } }
        let ci = colourKeys.firstIndex(of: colourKey(s.key))!
        let slots = slotValues(shown)
        let pi = slots.count > 1 ? slots.firstIndex(of: s.partitionSlots)! : ci
        return (Self.colours[ci % Self.colours.count], Self.points[pi % Self.points.count])
    }

    /// "P = 10" or "P·T = 20 (10 × 2 topics)" for a P·T value among the shown series.
    private func slotName(_ pt: Int, _ shown: [Int]) -> String {
        let keys = shown.map { series[$0].key }.filter { $0.partitions * $0.topics == pt }
        guard let k = keys.first, k.topics > 1 else { return "P = \(pt)" }
        return "P·T = \(pt) (\(k.partitions) × \(k.topics) topics)"
    }

    /// A colour's legend text: the assignor, with the work when the sweep has several.
    func label(_ k: ScalingSeries.Key) -> String {
        Set(series.map(\.key.work)).count > 1 ? "\(k.assignor) · work \(k.work)" : k.assignor
    }

    /// The series key as the data file's block comment writes it.
    private func describe(_ k: ScalingSeries.Key) -> String {
        "work=\(k.work) mode=\(k.mode) topics=\(k.topics) partitions=\(k.partitions) assignor=\(k.assignor)"
    }

    /// A gnuplot single-quoted string (no escapes are interpreted).
    private func q(_ s: String) -> String { Gnuplot.quoted(s) }

    /// A gnuplot double-quoted string, so "\n" breaks the line.
    private func qq(_ s: String) -> String { Gnuplot.doubleQuoted(s) }
}

/// The x axis of a plot and where its series' points sit: dodged sideways per assignor so error bars do not hide
/// one another.
/// Built per plot from the series it shows, so each plot's x range fits its own data.
private struct Frame {
    /// Every consumer count of the shown series, ascending.
    let consumers: [Int]
    /// The shown series' assignors, sorted: a series is dodged by its assignor's index.
    let assignors: [String]
    /// The smallest step between consumer counts: the x margin and the dodge width scale with it.
    let gap: Double
    /// Each distinct P·T once, ascending, with the topics and partitions of its first series.
    let slots: [(pt: Int, topics: Int, partitions: Int)]

    /// The frame of the shown series: their consumer counts, assignors, smallest step and distinct P·T values.
    init(series: [ScalingSeries]) {
        consumers = Set(series.flatMap { $0.points.map(\.consumers) }).sorted()
        assignors = Set(series.map(\.key.assignor)).sorted()
        let gaps = zip(consumers.dropFirst(), consumers).map { Double($0 - $1) }
        gap = gaps.min() ?? 1
        var seen = Set<Int>()
        slots = series.compactMap { s in
            seen.insert(s.partitionSlots).inserted ? (s.partitionSlots, s.key.topics, s.key.partitions) : nil
        }.sorted { $0.pt < $1.pt }
    }

    /// The x range: half a step beyond the first and the last consumer count.
    var xMin: Double { Double(consumers.first ?? 1) - gap / 2 }
    var xMax: Double { Double(consumers.last ?? 1) + gap / 2 }

    /// A series' sideways shift: the assignors spread over 10% of a step, centred on the true count (0 for one).
    func offset(_ assignor: String) -> Double {
        guard let i = assignors.firstIndex(of: assignor), assignors.count > 1 else { return 0 }
        return (Double(i) - Double(assignors.count - 1) / 2) * 0.1 * gap
    }

    /// A dashed line at each C = P·T labelled above the plot, and the idle-consumer region beyond it shaded and labelled.
    func partitionMarkers(idleLabelY: Double) -> [String] {
        var l: [String] = []
        for (i, s) in slots.enumerated() where Double(s.pt) > xMin && Double(s.pt) < xMax {
            let text: String
            if slots.count > 1 {
                text = s.topics == 1 ? "P = \(s.pt)" : "P·T = \(s.pt)"
            } else if s.topics == 1 {
                text = "P = " + ReportText.count(s.partitions, "partition")
            } else {
                text = "P·T = \(s.pt) partitions (\(s.partitions) × \(s.topics) topics)"
            }
            l.append("set arrow \(i + 1) from \(s.pt), graph 0 to \(s.pt), graph 1 nohead dt 4 lw 1.5 lc rgb '#555555' back")
            l.append("set label \(2 * i + 1) \(Gnuplot.quoted(text)) at \(s.pt), graph 1 center offset 0,0.7 tc rgb '#333333' front")
            if Double(s.pt) < Double(consumers.last ?? 0) {
                let end = slots.dropFirst(i + 1).first.map { min(Double($0.pt), xMax) } ?? xMax
                let label = slots.count == 1 ? "idle consumers" : "idle consumers (\(s.topics == 1 ? "P" : "P·T") = \(s.pt))"
                l.append("set object \(i + 1) rect from \(s.pt), graph 0 to graph 1, graph 1 behind fc rgb '#000000' fs transparent solid 0.07 noborder")
                l.append(
                    "set label \(2 * i + 2) \(Gnuplot.quoted(label)) at \(Gnuplot.number((Double(s.pt) + end) / 2)), graph \(Gnuplot.number(idleLabelY + 0.05 * Double(i))) center tc rgb '#555555' back"
                )
            }
        }
        return l
    }
}

/// Axis units for a rate axis: events/s, thousand or million events/s, and headroom above the largest value.
/// Used for the throughput and per-consumer axes; the balance plot counts partitions.
private struct Scale {
    /// Values are divided by this before plotting (`scale` in the script): 1, 1e3 or 1e6.
    let divisor: Double
    /// The axis label's unit: "events/s", "thousand events/s" or "million events/s".
    let unit: String
    /// The y axis's top in scaled units: 40% above the largest value, room for the legend inside.
    let axisTop: Double

    /// Picks the unit from the largest value plotted: thousands from 20,000 events/s, millions from 2,000,000.
    init(maximum: Double) {
        let m = maximum.isFinite && maximum > 0 ? maximum : 1
        if m >= 2_000_000 {
            (divisor, unit) = (1e6, "million events/s")
        } else if m >= 20_000 {
            (divisor, unit) = (1e3, "thousand events/s")
        } else {
            (divisor, unit) = (1, "events/s")
        }
        axisTop = m * 1.4 / divisor
    }
}
