import Foundation

/// A sweep read back and analysed: its series, their knees, and what a reader should take away, in words.
public struct SweepAnalysis: Sendable {
    /// The CSV's base name, without `.csv`.
    public let name: String
    public let rows: [TrialRow]
    public let meta: RunMetadata.Recorded
    public let series: [ScalingSeries]
    /// The knee of each series that stops scaling within the sweep.
    public let knees: [ScalingSeries.Key: Knee]

    public init(name: String, rows: [TrialRow], meta: RunMetadata.Recorded) {
        self.name = name; self.rows = rows; self.meta = meta
        series = ScalingSeries.group(rows)
        var k: [ScalingSeries.Key: Knee] = [:]
        for s in series { k[s.key] = Knee.detect(in: s, meta: meta) }
        knees = k
    }

    /// Reads `X.csv` and `X.meta.json` and analyses them; a sweep without a single ok trial is an error.
    public static func load(csvPath: String) throws(UsageError) -> SweepAnalysis {
        let rows = try SweepCSVReader.read(path: csvPath)
        let meta = try RunMetadata.Recorded.load(csvPath: csvPath)
        let name = ResultPaths.name(csvPath)
        let analysis = SweepAnalysis(name: name, rows: rows, meta: meta)
        if analysis.series.isEmpty {
            throw UsageError("\(csvPath) has no trial with status ok (\(rows.count) row(s)), so there is nothing to plot")
        }
        return analysis
    }

    public var brokerKind: String { ReportText.brokerKind(meta: meta, rows: rows) }
    /// When the sweep started: the meta's "started", else the first trial's timestamp.
    public var started: String? { meta.started ?? rows.first?.timestamp }
    public var failedTrials: [TrialRow] { rows.filter { $0.status != .ok } }

    /// The mode of the headline figure: window when there are window trials, else drain.
    public var primaryMode: String { series.contains { $0.key.mode == "window" } ? "window" : "drain" }
    var primarySeries: [ScalingSeries] { series.filter { $0.key.mode == primaryMode } }

    /// The series with the highest median throughput, and that point.
    var best: (series: ScalingSeries, point: ScalingPoint)? {
        primarySeries.compactMap { s in s.points.max { $0.throughputMedian < $1.throughputMedian }.map { (s, $0) } }
            .max { $0.1.throughputMedian < $1.1.throughputMedian }
    }

    /// The plateau of `series` beyond its knee, if it has a knee and at least two points there.
    public func plateau(_ s: ScalingSeries) -> Plateau? { knees[s.key].flatMap { Plateau(s, knee: $0.consumers) } }

    /// One line for the results index: the plateau beyond the knee (a "peak" only when it stands above the
    /// plateau's spread), or the highest point of a series still rising, and whether noise can be told apart.
    public var headline: String {
        guard let b = best else { return "no ok trials" }
        let (s, p) = (b.series, b.point)
        var text: String
        let fewestRuns = s.points.map(\.trials).min() ?? 1
        if let k = knees[s.key], let plateau = plateau(s) {
            text =
                "plateau of \(ReportText.rate(plateau.median)) events/s (\(ReportText.rate(plateau.low))–\(ReportText.rate(plateau.high))) "
                + "from \(plateau.fromConsumers) to \(plateau.toConsumers) consumers (\(seriesName(s.key))); "
                + "knee at \(ReportText.count(k.consumers, "consumer")), bound: \(k.bound.rawValue)"
            if let peak = plateau.peak {
                text +=
                    "; peak \(ReportText.rate(peak.throughputMedian)) events/s at \(ReportText.count(peak.consumers, "consumer")), above the plateau's spread"
            }
        } else if let k = knees[s.key] {
            text =
                "\(ReportText.rate(k.throughput)) events/s at the knee, \(ReportText.count(k.consumers, "consumer")) (\(seriesName(s.key))), bound: \(k.bound.rawValue)"
        } else {
            text =
                "\(ReportText.rate(p.throughputMedian)) events/s at \(ReportText.count(p.consumers, "consumer")) (\(seriesName(s.key))); "
                + "still rising at the largest consumer count"
        }
        if fewestRuns < 2 { text += "; " + Plateau.singleRunNote }
        return text
    }

    /// "P=10, range" (with topics and work when they matter).
    func seriesName(_ k: ScalingSeries.Key) -> String {
        var parts = [k.topics == 1 ? "P=\(k.partitions)" : "P=\(k.partitions)×\(k.topics) topics", k.assignor]
        if Set(series.map(\.key.work)).count > 1 { parts.append("work \(k.work)") }
        if Set(series.map(\.key.mode)).count > 1 { parts.append(k.mode) }
        return parts.joined(separator: ", ")
    }

    /// A plain-words paragraph of what the sweep shows.
    public var findings: String {
        guard let s = best?.series, let first = s.points.first else { return "The sweep has no ok trials." }
        var out: [String] = []
        let k = knees[s.key]
        let end = k.flatMap { k in s.points.first { $0.consumers == k.consumers } } ?? s.points.last!
        let gain = end.throughputMedian / first.throughputMedian
        let pt = s.partitionSlots
        let slots = s.key.topics == 1 ? ReportText.count(pt, "partition") : "\(pt) partitions (\(s.key.partitions) × \(s.key.topics) topics)"
        var lead =
            "With \(slots) and the \(s.key.assignor) assignor (\(s.key.mode) mode, work \(s.key.work)), group throughput went from "
            + "\(ReportText.rate(first.throughputMedian)) events/s with \(ReportText.count(first.consumers, "consumer")) to "
            + "\(ReportText.rate(end.throughputMedian)) events/s with \(ReportText.grouped(end.consumers)) "
            + "(\(ReportText.factor(gain)), \(ReportText.percent(end.efficiency)) of the model)"
        let largest = s.points.last!.consumers
        if let k {
            switch k.bound {
            case .partitions:
                lead +=
                    largest > pt
                    ? " and no further: each partition is read by one consumer of the group, so consumers beyond the \(pt)th got no partition and sat idle."
                    : " and then flattened as the consumers reached the \(slots)."
            case .assignment:
                lead +=
                    " and then flattened although there were \(slots): "
                    + (assignmentSentence(s, after: k.consumers) ?? "the assignment left added consumers without work.")
            case .hostCPU:
                lead += String(
                    format:
                        " and then flattened: the host's CPU was saturated there (%.0f%% of all cores busy), so the group measured the host, not Kafka; \(HostCPU.advice).",
                    end.hostCpuPct)
            case .cpuCores:
                lead +=
                    " and then flattened: the spin work is CPU-bound and the host has \(ReportText.count(meta.hostCores ?? k.consumers, "core")), so more consumers only share those cores."
            case .keySkew:
                let cause = meta.keysSkewed ? "the keys are \(meta.keyDistribution ?? "zipf")-skewed" : "the per-consumer rates were very uneven"
                lead += ", well short of the \(slots), and then flattened: \(cause), so the consumer of a hot partition limits the group."
            case .broker:
                lead +=
                    " and then flattened although \(slots) were available and the work is not CPU-bound on this host: the broker (or the path to it) is the likely limit."
            }
        } else {
            lead += " and was still rising at \(ReportText.count(largest, "consumer")): there is no knee within this sweep."
        }
        out.append(lead)
        if let plateau = plateau(s) {
            var sentence =
                "From \(plateau.fromConsumers) to \(plateau.toConsumers) consumers the throughput stayed on a plateau: median "
                + "\(ReportText.rate(plateau.median)) events/s, its points between \(ReportText.rate(plateau.low)) and \(ReportText.rate(plateau.high))"
            if let peak = plateau.peak {
                sentence +=
                    "; \(ReportText.count(peak.consumers, "consumer")) stood above the rest (\(ReportText.rate(peak.throughputMedian)) events/s, every repeat faster than any repeat of the other plateau points)."
            } else if plateau.noiseSeparable {
                sentence += "; no point stands above the spread of the repeats, so there is no peak to report."
            } else {
                sentence += "; \(Plateau.singleRunNote)."
            }
            out.append(sentence)
        }
        out.append(baselineSentence(s))
        if let sentence = hostBoundSentence { out.append(sentence) }
        if let sentence = stolenSentence { out.append(sentence) }
        for o in primarySeries where o.key != s.key && knees[o.key]?.bound == .assignment {
            if let k = knees[o.key], let why = assignmentSentence(o, after: k.consumers) {
                out.append("\(seriesName(o.key)) stopped scaling at \(ReportText.count(k.consumers, "consumer")), bound by its assignment: " + why)
            }
        }
        if let sentence = assignorComparison(s) { out.append(sentence) }
        let otherKnees = primarySeries.filter { $0.key != s.key && $0.key.partitions != s.key.partitions }
        if !otherKnees.isEmpty {
            let parts = otherKnees.map { o in "\(seriesName(o.key)): " + (knees[o.key].map { "knee at \($0.consumers) (\($0.bound.rawValue))" } ?? "no knee") }
            out.append("Other partition counts: " + parts.joined(separator: "; ") + ".")
        }
        if primaryMode == "window",
            let d = series.filter({ $0.key.mode == "drain" }).compactMap({ s in s.points.max { $0.throughputMedian < $1.throughputMedian }.map { (s, $0) } })
                .max(by: { $0.1.throughputMedian < $1.1.throughputMedian })
        {
            out.append(
                "Draining the whole backlog was fastest at \(ReportText.rate(d.1.throughputMedian)) events/s with \(ReportText.count(d.1.consumers, "consumer")) (\(ReportText.percent(d.1.efficiency)) of the staircase model)."
            )
        }
        let ok = rows.filter { $0.status == .ok }
        let lost = ok.reduce(0) { $0 + $1.lost }, dups = ok.reduce(0) { $0 + $1.duplicates }
        out.append(
            lost == 0 && dups == 0
                ? "No message was lost or duplicated in any trial."
                : "\(ReportText.count(lost, "message")) lost and \(ReportText.grouped(dups)) duplicated over all trials (see the tables).")
        let failed = failedTrials.count
        if failed > 0 {
            out.append("\(failed) of \(rows.count) trials failed; they are listed below and left out of the figures.")
        }
        return out.joined(separator: " ")
    }

    /// "The model is scaled from C = k." with its warnings, or why there is no model.
    func baselineSentence(_ s: ScalingSeries) -> String {
        guard let k = s.baselineConsumers else {
            return "There is no model for this series: \(s.baselineMissing ?? "no baseline") (its model and efficiency columns are empty)."
        }
        let warnings = Baseline.warnings(k: k, partitionSlots: s.partitionSlots)
        return "The model is scaled from C = \(k)" + (warnings.isEmpty ? "." : ". Warning: " + warnings.joined(separator: "; ") + ".")
    }

    /// What the assignor did wrong at the first consumer count after `knee` (C ≤ P·T).
    func assignmentSentence(_ s: ScalingSeries, after knee: Int) -> String? {
        guard let p = s.points.first(where: { $0.consumers > knee }), Knee.unevenAssignment(p, partitionSlots: s.partitionSlots) else { return nil }
        let even = (s.partitionSlots + p.consumers - 1) / p.consumers
        var parts: [String] = []
        if p.idleConsumers > 0 { parts.append("left \(ReportText.count(p.idleConsumers, "consumer")) idle") }
        if p.maxPartitionsPerConsumer > even {
            parts.append("gave one consumer \(p.maxPartitionsPerConsumer) partitions where an even split gives at most \(even)")
        }
        return "with \(p.consumers) consumers and \(s.partitionSlots) partitions, the \(s.key.assignor) assignor "
            + parts.joined(separator: " and ") + ", so the added consumers got no work (the partitions would have allowed more)."
    }

    /// Which consumer counts were host-bound (the host's CPU saturated while measuring), and what to do.
    var hostBoundSentence: String? {
        let counts = Set(primarySeries.flatMap { $0.points.filter(\.hostBound).map(\.consumers) }).sorted()
        guard !counts.isEmpty else { return nil }
        let peak = primarySeries.flatMap { $0.points.filter(\.hostBound).map(\.hostCpuPct) }.max() ?? .nan
        return "Host-bound at \(counts.count == 1 ? "C = \(counts[0])" : "C = " + counts.map(String.init).joined(separator: ", ")): "
            + String(format: "the host's CPU was at least %.0f%% busy (up to %.0f%%) while measuring, ", HostCPU.hostBoundPercent, peak)
            + "so those figures measure this host rather than the consumer group; \(HostCPU.advice)."
    }

    /// Which consumer counts were measured while the hypervisor took the CPU, and what to do.
    var stolenSentence: String? {
        let counts = Set(primarySeries.flatMap { $0.points.filter(\.stolen).map(\.consumers) }).sorted()
        guard !counts.isEmpty else { return nil }
        let peak = primarySeries.flatMap { $0.points.filter(\.stolen).map(\.hostStealPct) }.max() ?? .nan
        return "CPU stolen at \(counts.count == 1 ? "C = \(counts[0])" : "C = " + counts.map(String.init).joined(separator: ", ")): "
            + String(
                format: "the hypervisor gave at least %.0f%% (up to %.0f%%) of this machine's CPU time to others while measuring, ", HostCPU.stolenPercent, peak
            )
            + "so the consumers' timers woke late and those figures measure the host rather than the consumer group; \(HostCPU.stolenAdvice)."
    }

    /// How far apart the assignors were, when the sweep compares several on the same partitions.
    private func assignorComparison(_ s: ScalingSeries) -> String? {
        let peers = primarySeries.filter { $0.key.work == s.key.work && $0.key.topics == s.key.topics && $0.key.partitions == s.key.partitions }
        guard peers.count > 1 else { return nil }
        let names = peers.map(\.key.assignor).joined(separator: ", ")
        var worst: (consumers: Int, spread: Double, hi: ScalingPoint, lo: ScalingPoint, hiName: String, loName: String)? = nil
        let counts = Set(peers.flatMap { $0.points.map(\.consumers) }).sorted()
        for c in counts {
            let at = peers.compactMap { p in p.points.first { $0.consumers == c }.map { (p.key.assignor, $0) } }
            guard at.count > 1, let hi = at.max(by: { $0.1.throughputMedian < $1.1.throughputMedian }),
                let lo = at.min(by: { $0.1.throughputMedian < $1.1.throughputMedian }), lo.1.throughputMedian > 0
            else { continue }
            // how much faster the faster one was: the figure the sentence quotes and the threshold is about
            let spread = hi.1.throughputMedian / lo.1.throughputMedian - 1
            if worst == nil || spread > worst!.spread { worst = (c, spread, hi.1, lo.1, hi.0, lo.0) }
        }
        guard let w = worst else { return nil }
        if w.spread < Knee.minimumGain {
            return
                "The assignors (\(names)) made no real difference: their medians were within \(ReportText.difference(w.spread)) of each other at every consumer count."
        }
        let beyondNoise = w.hi.throughputMin > w.lo.throughputMax
        let verdict =
            min(w.hi.trials, w.lo.trials) < 2
            ? "; \(Plateau.singleRunNote)."
            : (beyondNoise ? ", more than the spread between repeats." : ", within the spread between repeats, so possibly noise.")
        return
            "The assignors (\(names)) differed most at \(ReportText.count(w.consumers, "consumer")): \(w.hiName) was \(ReportText.difference(w.spread)) faster than \(w.loName)"
            + verdict
    }
}
