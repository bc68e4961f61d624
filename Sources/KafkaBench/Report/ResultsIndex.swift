import Foundation

/// `Results/README.md`: one row per published run (a sweep, capacity or rebalance CSV in the results directory), newest first.
struct ResultsIndex {
    /// One published run as the index shows it.
    struct Entry {
        var name: String
        var started: String
        var broker: String
        /// The librdkafka the run's workers loaded ("–" for runs published before it was recorded).
        var client: String
        var commandLine: String?
        var headline: String
        var links: [String]
    }

    let resultsDir: String
    let entries: [Entry]

    init(resultsDir: String) throws(UsageError) {
        self.resultsDir = resultsDir
        let files: [String]
        do { files = try FileManager.default.contentsOfDirectory(atPath: resultsDir) } catch {
            throw UsageError("cannot list results directory \(resultsDir): \(error.localizedDescription)")
        }
        // a rebalance run's companion files (events, partitions, totals) are linked from its timeline's entry
        entries = files.filter { $0.hasSuffix(".csv") && !Self.isCompanion(Self.firstLine($0, in: resultsDir)) && !Self.isCapacityR1($0, in: resultsDir) }
            .sorted().map { Self.entry(file: $0, in: resultsDir) }
            .sorted { ($0.started, $0.name) > ($1.started, $1.name) }
    }

    static let rebalanceTimeline = "# kbench rebalance timeline"
    static let rebalanceEvents = "# kbench rebalance events"

    static func isCompanion(_ firstLine: String?) -> Bool {
        guard let firstLine else { return false }
        return [
            "# kbench rebalance events", "# kbench rebalance partitions", "# kbench rebalance totals", CapacityFiles.timeseriesSchemaLine,
            AgentAssignmentsFile.marker,
        ].contains {
            firstLine.hasPrefix($0)
        }
    }

    /// A capacity run's r1 trial (`X-r1.csv` beside the capacity CSV `X.csv`): linked from that run's entry.
    static func isCapacityR1(_ file: String, in dir: String) -> Bool {
        guard file.hasSuffix("-r1.csv") else { return false }
        return firstLine(String(file.dropLast(7)) + ".csv", in: dir)?.hasPrefix(CapacityRow.schemaPrefix) == true
    }

    /// A capacity run: its trials CSV, with the time series, the r1 trial, the summary and the plots.
    private static func capacityEntry(file: String, name: String, in dir: String) -> Entry {
        let meta = try? RunMetadata.Recorded.load(csvPath: RelativePath.join(dir, file))
        var links = ["[CSV](\(file))"]
        for (label, companion) in [("time series", name + "-timeseries.csv"), ("r1 trial", name + "-r1.csv"), ("summary", name + ".md")]
        where FileManager.default.fileExists(atPath: RelativePath.join(dir, companion)) {
            links.append("[\(label)](\(companion))")
        }
        for plot in ["capacity", "lag"] {
            if let rel = plotLink(name + "-\(plot).png", in: dir) { links.append("[\(plot) plot](\(rel))") }
        }
        let headline: String
        do { headline = CapacityReport.headline(try CapacityRow.read(csvPath: RelativePath.join(dir, file))) } catch {
            headline = "not readable: \(error.message)"
        }
        return Entry(
            name: name, started: meta?.started ?? "", broker: meta?.brokerKind ?? "?", client: Self.client(meta?.librdkafkaVersion),
            commandLine: meta?.commandLine, headline: headline, links: links)
    }

    private static func client(_ version: String?) -> String {
        version.flatMap { $0.isEmpty ? nil : "librdkafka \($0)" } ?? "–"
    }

    private static func firstLine(_ file: String, in dir: String) -> String? {
        ResultPaths.firstLine(of: RelativePath.join(dir, file))
    }

    /// A rebalance run: its timeline CSV, with the events CSV and the timeline plot beside it.
    private static func rebalanceEntry(file: String, name: String, in dir: String) -> Entry {
        let meta = try? RunMetadata.Recorded.load(csvPath: RelativePath.join(dir, file))
        var links = ["[timeline CSV](\(file))"]
        let events = name + "-events.csv"
        var headline = "rebalance run"
        let eventsPath = RelativePath.join(dir, events)
        if FileManager.default.fileExists(atPath: eventsPath) {
            links.append("[events](\(events))")
            for companion in ["partitions", "totals"] where FileManager.default.fileExists(atPath: RelativePath.join(dir, "\(name)-\(companion).csv")) {
                links.append("[\(companion)](\(name)-\(companion).csv)")
            }
            // read strictly: a row skipped here would vanish from the headline's stall and loss figures
            do { headline = try rebalanceHeadline(events: eventsPath, totals: RelativePath.join(dir, name + "-totals.csv")) } catch {
                headline = "not readable: \(error.message)"
            }
        }
        if let plot = plotLink(name + "-timeline.png", in: dir) { links.append("[plot](\(plot))") }
        return Entry(
            name: name, started: meta?.started ?? "", broker: meta?.brokerKind ?? "?", client: Self.client(meta?.librdkafkaVersion),
            commandLine: meta?.commandLine, headline: headline, links: links)
    }

    /// A rebalance run's headline: the longest partition stall per assignor (with the events that did not
    /// converge), what was lost, and what the final drain never consumed (from the totals CSV, when there is one).
    private static func rebalanceHeadline(events: String, totals: String) throws(UsageError) -> String {
        let table = try CSVTable.read(path: events, kind: "rebalance events", versions: 1...4)
        try table.requireColumns(["assignor", "max_partition_stall_ms", "converged", "lost"], kind: "rebalance events")
        var longest: [String: Double] = [:]
        var unconverged: [String: Int] = [:]
        var lostTotal = 0
        for row in table.rows {
            let a = row.string("assignor"), stall = try row.double("max_partition_stall_ms")
            longest[a] = max(longest[a] ?? 0, stall.isFinite ? stall : 0)
            if row.string("converged") != "yes" { unconverged[a, default: 0] += 1 }
            lostTotal += try row.int("lost")
        }
        let parts = longest.keys.sorted().map { k in
            "\(k) \(String(format: "%.1f", longest[k]! / 1000)) s" + (unconverged[k].map { ", \($0) event(s) did not converge" } ?? "")
        }
        var headline = "rebalance: longest partition stall per assignor: " + parts.joined(separator: "; ") + "; lost \(lostTotal)"
        if FileManager.default.fileExists(atPath: totals) {
            let table = try CSVTable.read(path: totals, kind: "rebalance totals", versions: 1...3)
            if table.index["undrained"] != nil {
                var undrained = 0
                for row in table.rows { undrained += try row.int("undrained") }
                if undrained > 0 { headline += "; \(undrained) never consumed (the final drain gave up)" }
            }
            if table.index["host_steal_pct"] != nil {
                var worst = 0.0
                for row in table.rows {
                    let steal = try row.double("host_steal_pct")
                    if steal.isFinite { worst = max(worst, steal) }
                }
                if HostCPU.isStolen(worst) { headline += String(format: "; measured at up to %.1f%% steal: may measure the host", worst) }
            }
        }
        return headline
    }

    private static func entry(file: String, in dir: String) -> Entry {
        let name = ResultPaths.name(file)
        if firstLine(file, in: dir)?.hasPrefix(rebalanceTimeline) == true { return rebalanceEntry(file: file, name: name, in: dir) }
        if firstLine(file, in: dir)?.hasPrefix(CapacityRow.schemaPrefix) == true { return capacityEntry(file: file, name: name, in: dir) }
        var links = ["[CSV](\(file))"]
        if FileManager.default.fileExists(atPath: RelativePath.join(dir, name + ".md")) { links.append("[summary](\(name).md)") }
        if FileManager.default.fileExists(atPath: RelativePath.join(dir, name + ".placement.csv")) { links.append("[placement](\(name).placement.csv)") }
        if let plot = plotLink(name + "-throughput.png", in: dir) { links.append("[plot](\(plot))") }
        do {
            let a = try SweepAnalysis.load(csvPath: RelativePath.join(dir, file))
            return Entry(
                name: name, started: a.started ?? "", broker: a.brokerKind,
                client: Self.client(a.meta.librdkafkaVersion ?? a.rows.first?.librdkafka), commandLine: a.meta.commandLine,
                headline: a.headline, links: links)
        } catch {
            let meta = try? RunMetadata.Recorded.load(csvPath: RelativePath.join(dir, file))
            return Entry(
                name: name, started: meta?.started ?? "", broker: meta?.brokerKind ?? "?", client: Self.client(meta?.librdkafkaVersion),
                commandLine: meta?.commandLine, headline: "not readable: \(error.message)", links: links)
        }
    }

    /// `file` (an image) in the plots directory beside the results directory, inside it, or in it, as a link.
    private static func plotLink(_ file: String, in dir: String) -> String? {
        for candidate in ["../plots", "plots", "."] {
            let rel = candidate == "." ? file : candidate + "/" + file
            if FileManager.default.fileExists(atPath: RelativePath.join(dir, rel)) { return rel }
        }
        return nil
    }

    /// "2025-11-25T13:22:05Z" as "2025-11-25 13:22 UTC"; anything else as written.
    static func displayDate(_ iso: String) -> String {
        guard iso.count >= 16, iso.dropFirst(10).first == "T" else { return iso.isEmpty ? "?" : iso }
        let day = iso.prefix(10), time = iso.dropFirst(11).prefix(5)
        return "\(day) \(time)" + (iso.hasSuffix("Z") ? " UTC" : "")
    }

    func markdown() -> String {
        var l = [
            GeneratedFile.markdownMarker, "# kbench results", "",
            "One row per published run (a sweep, capacity or rebalance timeline CSV in this directory), newest first. "
                + "Generated by `kbench report --index`: edit the runs' summaries, not this file.", "",
        ]
        if entries.isEmpty {
            l += ["No runs yet: publish one with `kbench sweep … --out Results/NAME.csv`.", ""]
            return l.joined(separator: "\n")
        }
        l += ["| date | broker | client | command line | headline | files |", "|---|---|---|---|---|---|"]
        for e in entries {
            let cells = [
                ReportText.tableCell(Self.displayDate(e.started)), ReportText.tableCell(e.broker), ReportText.tableCell(e.client),
                e.commandLine.map { ReportText.tableCell(ReportText.code($0)) } ?? "–",
                ReportText.tableCell(e.headline), e.links.joined(separator: " · "),
            ]
            l.append("| " + cells.joined(separator: " | ") + " |")
        }
        return (l + [""]).joined(separator: "\n")
    }
}
