import Foundation

/// `kbench compare A.csv B.csv …`: several sweeps side by side, per (topics, partitions, assignor, consumers, mode),
/// each run's median events/s, its ratio to the first run's, and a verdict that respects the repeats' spread.
public struct RunComparison: Sendable {
    /// One sweep being compared.
    public struct Run: Sendable {
        public var name: String
        public var csvPath: String
        public var meta: RunMetadata.Recorded
        public var series: [ScalingSeries]
    }

    /// Where two runs' trials of one point lie relative to each other.
    public enum Verdict: String, Sendable, Equatable {
        /// Every repeat of this run beat every repeat of the first run (both have ≥ 2 repeats).
        case faster
        /// Every repeat of this run was below every repeat of the first run.
        case slower
        /// The repeats' ranges overlap: the difference is within noise.
        case withinNoise = "within noise"
        /// One run per point on either side: noise cannot be separated from the difference.
        case noiseUnknown = "noise unknown (one run)"

        /// The verdict for `other` against `base`.
        public static func of(_ other: ScalingPoint, against base: ScalingPoint) -> Verdict {
            guard other.trials >= 2, base.trials >= 2 else { return .noiseUnknown }
            if other.throughputMin > base.throughputMax { return .faster }
            if other.throughputMax < base.throughputMin { return .slower }
            return .withinNoise
        }
    }

    /// A point compared: (topics, partitions, assignor, consumers, mode).
    public struct Key: Hashable, Comparable, Sendable {
        public var mode: String
        public var topics: Int
        public var partitions: Int
        public var assignor: String
        public var consumers: Int

        public static func < (a: Key, b: Key) -> Bool {
            (a.mode, a.topics, a.partitions, a.assignor, a.consumers) < (b.mode, b.topics, b.partitions, b.assignor, b.consumers)
        }
    }

    public var runs: [Run]

    /// Loads every CSV (and its meta). Refuses runs of different work models or modes, whose throughputs do not
    /// compare, unless `force`.
    public static func load(csvPaths: [String], force: Bool) throws(UsageError) -> RunComparison {
        guard csvPaths.count >= 2 else { throw UsageError("kbench compare needs at least two sweep CSVs (got \(csvPaths.count))") }
        var runs: [Run] = []
        for path in csvPaths {
            let rows = try SweepCSVReader.read(path: path)
            let meta = try RunMetadata.Recorded.load(csvPath: path)
            let series = ScalingSeries.group(rows)
            if series.isEmpty { throw UsageError("\(path) has no trial with status ok, so there is nothing to compare") }
            runs.append(Run(name: ResultPaths.name(path), csvPath: path, meta: meta, series: series))
        }
        let comparison = RunComparison(runs: runs)
        if !force, let problem = comparison.incomparability { throw UsageError(problem + "; pass --force to compare them anyway") }
        return comparison
    }

    public init(runs: [Run]) { self.runs = runs }

    /// Why the runs do not compare (different work models or modes), if they do not.
    public var incomparability: String? {
        func describe(_ r: Run) -> String {
            let works = Set(r.series.map(\.key.work)).sorted().joined(separator: ", ")
            let modes = Set(r.series.map(\.key.mode)).sorted().joined(separator: ", ")
            return "\(r.name) measured work \(works) in \(modes) mode"
        }
        let first = runs[0]
        for r in runs.dropFirst() {
            if Set(r.series.map(\.key.work)) != Set(first.series.map(\.key.work)) || Set(r.series.map(\.key.mode)) != Set(first.series.map(\.key.mode)) {
                return "\(describe(first)) but \(describe(r)): their throughputs measure different things"
            }
        }
        return nil
    }

    /// Each run's point at every key any run has.
    public var points: [(key: Key, perRun: [ScalingPoint?])] {
        var table: [Key: [ScalingPoint?]] = [:]
        for (i, run) in runs.enumerated() {
            for s in run.series {
                for p in s.points {
                    let k = Key(mode: s.key.mode, topics: s.key.topics, partitions: s.key.partitions, assignor: s.key.assignor, consumers: p.consumers)
                    var row = table[k] ?? Array(repeating: nil, count: runs.count)
                    if row[i] == nil { row[i] = p }
                    table[k] = row
                }
            }
        }
        return table.keys.sorted().map { ($0, table[$0]!) }
    }

    /// Settings whose values differ between the runs (from their metadata), as (setting, one value per run).
    public var settingDifferences: [(setting: String, values: [String])] {
        var fields: [(String, (RunMetadata.Recorded) -> String?)] = [
            ("broker", { $0.brokerKind }), ("host cores", { $0.hostCores.map(String.init) }),
            ("host memory (GiB)", { $0.hostMemoryGiB.map { String(format: "%.1f", $0) } }),
            ("kbench", { $0.kbenchVersion }), ("librdkafka", { $0.librdkafkaVersion }),
        ]
        let settingKeys = Set(runs.flatMap { $0.meta.settings.keys }).sorted()
        for key in settingKeys where !["partitions", "consumers", "assignors"].contains(key) {
            fields.append((key, { $0.settings[key] }))
        }
        var out: [(String, [String])] = []
        for (name, read) in fields {
            let values = runs.map { read($0.meta) ?? "–" }
            if Set(values).count > 1 { out.append((name, values)) }
        }
        return out
    }

    /// The Markdown report; `plots` are links to the overlay images (PNG, SVG), relative to the report.
    public func markdown(plots: (png: String, svg: String)?, notRendered: String?) -> String {
        var l = [GeneratedFile.markdownMarker, "# Comparison: " + runs.map(\.name).joined(separator: " vs "), ""]
        if let plots { l += ["![Throughput vs consumers, every run](\(plots.png))", "", "[SVG](\(plots.svg))", ""] }
        if let notRendered { l += ["> Plot not rendered: \(notRendered)", ""] }
        l += ["## Runs", "", "| run | data | command line |", "|---|---|---|"]
        for r in runs {
            l.append(
                "| \(ReportText.tableCell(r.name)) | \(ReportText.tableCell(r.csvPath)) | \(ReportText.tableCell(r.meta.commandLine.map(ReportText.code) ?? "–")) |"
            )
        }
        l.append("")
        let diffs = settingDifferences
        l += ["## Settings that differ", ""]
        if diffs.isEmpty {
            l += ["None recorded in the runs' metadata.", ""]
        } else {
            l += [
                "| setting | " + runs.map { ReportText.tableCell($0.name) }.joined(separator: " | ") + " |",
                "|---|" + runs.map { _ in "---|" }.joined(),
            ]
            for d in diffs { l.append("| \(ReportText.tableCell(d.setting)) | " + d.values.map(ReportText.tableCell).joined(separator: " | ") + " |") }
            l.append("")
        }
        l += [
            "## Throughput", "",
            "Median events/s over each run's repeats (min–max in brackets); the ratio is to \(ReportText.tableCell(runs[0].name)). "
                + "A run is faster or slower only when every repeat of it lies beyond every repeat of the first run; "
                + "overlapping ranges are within noise, and with one run per point noise cannot be separated. "
                + "A figure marked host-bound or cpu-stolen was measured while the host's CPU was saturated or its hypervisor took at "
                + "least \(Int(HostCPU.stolenPercent))% of it: it measures the host, and its ratio says nothing about the runs.", "",
        ]
        var header = "| mode | P×T | assignor | consumers | " + runs.map { ReportText.tableCell($0.name) }.joined(separator: " | ")
        var align = "|---|---|---|---:|" + runs.map { _ in "---:|" }.joined()
        for r in runs.dropFirst() { header += " | \(ReportText.tableCell(r.name)) ÷ first | verdict"; align += "---:|---|" }
        l += [header + " |", align]
        for (key, perRun) in points {
            var cells = [key.mode, "\(key.partitions)×\(key.topics)", key.assignor, String(key.consumers)]
            cells += perRun.map { p in
                p.map {
                    "\(ReportText.rate($0.throughputMedian)) (\(ReportText.rate($0.throughputMin))–\(ReportText.rate($0.throughputMax)))"
                        + Self.hostMark($0)
                } ?? "–"
            }
            for p in perRun.dropFirst() {
                if let p, let base = perRun[0] {
                    let verdict = p.measuresHost || base.measuresHost ? "measures the host" : Verdict.of(p, against: base).rawValue
                    cells += [ReportText.factor(p.throughputMedian / base.throughputMedian), verdict]
                } else {
                    cells += ["–", "–"]
                }
            }
            l.append("| " + cells.joined(separator: " | ") + " |")
        }
        return (l + [""]).joined(separator: "\n")
    }

    /// " host-bound", " cpu-stolen (16%)", or "" for a point measured on a quiet host.
    static func hostMark(_ p: ScalingPoint) -> String {
        if p.hostBound { return String(format: " host-bound (%.0f%% CPU)", p.hostCpuPct) }
        if p.stolen { return String(format: " cpu-stolen (%.0f%%)", p.hostStealPct) }
        return ""
    }
}
