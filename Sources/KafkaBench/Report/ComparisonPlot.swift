import Foundation

/// The overlay plot of `kbench compare`: every run's median throughput (with its repeats' min–max) against
/// consumers, one colour per run and one point shape per (P×T, assignor), as a gnuplot script and its data file
/// rendered to PNG and SVG.
struct ComparisonPlot {
    /// The comparison's name: the stem of its script, data and image files.
    let name: String
    /// The runs compared, each with its series.
    let comparison: RunComparison

    /// The script's and the data file's names inside the plots directory; the script refers to the data file by this
    /// relative name.
    var scriptFile: String { name + ".gp" }
    var dataFile: String { name + ".dat" }
    /// The image's file name, `<name>-throughput.<ext>` ("png" or "svg").
    func imageFile(_ ext: String) -> String { "\(name)-throughput.\(ext)" }

    /// Hex colours by run, the same palette as the sweep plots (`GnuplotScript`).
    private static let colours = ["0072B2", "D55E00", "009E73", "CC79A7", "E69F00", "56B4E9", "000000", "8C564B"]
    /// Filled gnuplot point types by series shape.
    private static let points = [7, 5, 9, 11, 13, 15]

    /// Blocks of (run, series), in the order the script indexes them.
    private var blocks: [(run: Int, series: ScalingSeries)] {
        comparison.runs.enumerated().flatMap { i, r in r.series.map { (run: i, series: $0) } }
    }

    /// `<name>.dat`: per block, consumers, median, min, max events/s; blocks separated by two blank lines.
    func dataText() -> String {
        var out = "# kbench compare data: consumers, msgs_per_s median, min, max (ok trials)\n"
        for (b, block) in blocks.enumerated() {
            if b > 0 { out += "\n\n" }
            out += "# index \(b): \(comparison.runs[block.run].name), \(label(block.series.key))\n"
            for p in block.series.points {
                out += [String(p.consumers), number(p.throughputMedian), number(p.throughputMin), number(p.throughputMax)].joined(separator: ",") + "\n"
            }
        }
        return out
    }

    /// The gnuplot script: one yerrorlines element per (run, series) block, coloured by run and shaped by series, on
    /// a plain events/s axis with 15% headroom. Writes a PNG, then replots it as an SVG.
    func scriptText() -> String {
        let maximum = Statistics.maximum(blocks.flatMap { $0.series.points.map(\.throughputMax) })
        let xMax = (blocks.flatMap { $0.series.points.map(\.consumers) }.max() ?? 1) + 1
        let shapes = Array(Set(blocks.map { label($0.series.key) })).sorted()
        var l = [
            "# kbench compare: " + comparison.runs.map(\.name).joined(separator: " vs "),
            "# Re-render from this directory: gnuplot \(scriptFile)", "set encoding utf8", "set datafile separator ','",
            "dat = \(quote(dataFile))",
        ]
        for ext in ["png", "svg"] {
            l.append(ext == "png" ? "set terminal pngcairo size 1200,800 font 'Sans,13'" : "set terminal svg size 1200,800 font 'Sans,13' dynamic")
            l.append("set output \(quote(imageFile(ext)))")
            if ext == "svg" { l += ["replot", "unset output"]; continue }
            l += [
                "set title \(quote("Throughput vs consumers: " + comparison.runs.map(\.name).joined(separator: " vs "))) font 'Sans,17'",
                "set xlabel 'consumers in the group'", "set ylabel 'throughput (events/s, median and min–max of the repeats)'",
                "set border 3", "set tics nomirror", "set grid lc rgb '#e0e0e0'", "set bars 1.5",
                "set xrange [0:\(xMax)]", "set yrange [0:\(number(maximum * 1.15))]",
                "set key top left box opaque samplen 3 spacing 1.25",
            ]
            if xMax <= 25 { l.append("set xtics 1") }
            var elements: [String] = []
            for (b, block) in blocks.enumerated() {
                let colour = Self.colours[block.run % Self.colours.count]
                let shape = Self.points[(shapes.firstIndex(of: label(block.series.key)) ?? 0) % Self.points.count]
                let title = quote("\(runLabel(block.run)): \(label(block.series.key))")
                elements.append("dat index \(b) using 1:2:3:4 with yerrorlines pt \(shape) ps 1.4 lw 1.5 lc rgb '#\(colour)' title \(title)")
            }
            l.append("plot \\\n    " + elements.joined(separator: ", \\\n    "))
        }
        return l.joined(separator: "\n") + "\n"
    }

    /// Settings that may tell compared runs apart in the legend, in order of preference.
    private static let legendSettings = [
        "librdkafka", "broker", "commit", "key_distribution", "value_bytes", "keys", "work", "mode", "host cores",
    ]

    /// A run in the legend: its name and its values of up to two settings that differ between the runs (the
    /// runs' names alone can read the same, and the setting is what the reader compares).
    private func runLabel(_ run: Int) -> String {
        let differing = Dictionary(comparison.settingDifferences.map { ($0.setting, $0.values) }, uniquingKeysWith: { a, _ in a })
        let shown = Self.legendSettings.compactMap { key in differing[key].map { "\(key) \($0[run])" } }.prefix(2)
        return comparison.runs[run].name + (shown.isEmpty ? "" : " (" + shown.joined(separator: ", ") + ")")
    }

    /// A series' short label: "P=10 range window sleep:1ms" ("P=10×2" with two topics).
    private func label(_ k: ScalingSeries.Key) -> String {
        "P=\(k.partitions)" + (k.topics > 1 ? "×\(k.topics)" : "") + " \(k.assignor) \(k.mode) \(k.work)"
    }

    /// A gnuplot single-quoted string.
    private func quote(_ s: String) -> String { Gnuplot.quoted(s) }

    /// A number as gnuplot reads it: an integer when whole, else six significant digits; NaN for non-finite values.
    private func number(_ v: Double) -> String { Gnuplot.number(v) }
}
