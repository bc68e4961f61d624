import Foundation

/// Writes a rebalance run's files: the timeline CSV (`--out`), the events CSV and metadata beside it, and a
/// gnuplot timeline (one panel per assignor, events marked) with its PNG when gnuplot is installed.
///
/// The events CSV (schema 4) has one row per script event and assignor; a `rolling-restart` (a deploy) has its
/// whole row (`part` empty, `target` every consumer it restarted, window from the step to the next event) followed
/// by one row per consumer's turn (`part` "k/N", `target` that consumer, window from its stop to the next
/// consumer's stop, the last to the deploy's window end; `rejoin_ms` its stop → rejoined). Schema 4 added `part`
/// and `rejoin_ms`; a reader wanting one row per event keeps the rows whose `part` is empty.
public enum RebalanceOutput {
    public static let timelineColumns = ["run_id", "broker", "assignor", "t_s", "consumer", "msgs_per_s", "assigned", "latency_p99_ms", "lag"]
    public static let eventColumns = [
        "run_id", "broker", "assignor", "event", "at_s", "window_end_s", "target", "previous_rebalance_running", "detection_ms", "convergence_ms",
        "converged", "state_at_window_end", "stalled_partitions", "max_partition_stall_ms", "max_stall_partition",
        "partition_seconds_unconsumed", "deficit_msgs", "group_pause_ms", "moved", "assignment_before", "assignment_after",
        "latency_p50_ms", "latency_p99_ms", "latency_max_ms", "duplicates", "lost", "lost_ranges",
        // schema 3: broker faults
        "detail", "stalled_partition_list", "lag_before_msgs", "lag_peak_msgs", "lag_peak_after_ms", "recovery_ms", "order_violations", "written_twice",
        "produce_errors", "produce_retries", "produce_p50_ms", "produce_p99_ms", "produce_max_ms", "command", "command_exit", "command_output",
        // schema 4: a rolling-restart's rows per consumer
        "part", "rejoin_ms",
    ]
    public static let partitionColumns = ["run_id", "assignor", "t_s", "partition", "owner", "produced", "consumed", "lag", "stalled_ms"]
    public static let totalsColumns = [
        "run_id", "broker", "assignor", "produced", "delivery_failures", "processed_unique", "duplicates", "lost",
        "lost_before_first_event", "lost_ranges", "undrained", "undrained_ranges", "latency_p50_ms", "latency_p99_ms", "latency_p999_ms", "latency_max_ms",
        // schema 2: per-key order and the producer's side
        "order_violations", "order_examples", "written_twice", "written_twice_examples", "produce_retries", "produce_p50_ms", "produce_p99_ms",
        "produce_max_ms", "leaders_at_start",
        "steady_lag_msgs",
        // schema 3: the host while the traffic ran
        "host_cpu_pct", "host_steal_pct",
    ]

    static func f(_ v: Double?, _ digits: Int = 1) -> String { CSV.fixed(v, digits) }

    /// The events CSV's first line (schema 4 added `part` and `rejoin_ms`).
    public static let eventsSchemaLine = "# kbench rebalance events schema 4"

    /// The four tables of a run whose timeline CSV is `csvPath`: timeline, events, partitions and totals, with
    /// their schema lines and headers.
    public static func tables(forCSV csvPath: String) -> [RunFiles.Table] {
        let companions = companionPaths(forCSV: csvPath)
        return [
            RunFiles.Table(path: csvPath, schemaLine: "# kbench rebalance timeline schema 2", columns: timelineColumns),
            RunFiles.Table(path: companions[0], schemaLine: eventsSchemaLine, columns: eventColumns),
            RunFiles.Table(path: companions[1], schemaLine: "# kbench rebalance partitions schema 1", columns: partitionColumns),
            RunFiles.Table(path: companions[2], schemaLine: "# kbench rebalance totals schema 3", columns: totalsColumns),
        ]
    }

    /// One assignor's rows for each of the four `tables`, in their order, each line newline-ended.
    public static func rows(_ a: RebalanceAnalysis, runId: String, broker: String) -> [String] {
        [
            timelineRows(a, runId: runId, broker: broker), eventRows(a, runId: runId, broker: broker), partitionRows(a, runId: runId),
            totalsRow(a, runId: runId, broker: broker),
        ]
    }

    /// The events CSV of `analyses` whole (head and rows), as the run writes it.
    public static func eventsCSV(_ analyses: [RebalanceAnalysis], runId: String, broker: String) -> String {
        eventsSchemaLine + "\n" + eventColumns.joined(separator: ",") + "\n" + analyses.map { eventRows($0, runId: runId, broker: broker) }.joined()
    }

    private static func lines(_ rows: [[String]]) -> String {
        rows.map { $0.map(CSV.quote).joined(separator: ",") + "\n" }.joined()
    }

    static func timelineRows(_ a: RebalanceAnalysis, runId: String, broker: String) -> String {
        lines(
            a.timeline.map { p in
                [
                    runId, broker, a.assignor.rawValue, f(p.tSeconds, 2), p.consumer, f(p.msgsPerS, 0), String(p.assigned),
                    f(p.latencyP99Ms, 2), p.consumer == "group" ? String(p.lag) : "",
                ]
            })
    }

    static func eventRows(_ a: RebalanceAnalysis, runId: String, broker: String) -> String {
        lines(
            a.events.map { e in
                let retries: String = e.produceRetries.map(String.init) ?? ""
                let base: [String] = [
                    runId, broker, a.assignor.rawValue, e.action, f(e.atSeconds, 2), f(e.windowEndSeconds, 2), e.target,
                    e.previousRebalanceRunning ? "yes" : "no", f(e.detectionMs, 0), f(e.convergenceMs, 0), e.converged ? "yes" : "no", e.stateAtWindowEnd,
                    String(e.stalledPartitions), f(e.maxPartitionStallMs, 0), e.maxStallPartition.map(String.init) ?? "",
                    f(e.partitionSecondsUnconsumed, 2), String(e.deficitMessages), f(e.groupPauseMs, 0), String(e.moved),
                    e.assignmentBefore, e.assignmentAfter, f(e.latencyP50Ms), f(e.latencyP99Ms), f(e.latencyMaxMs),
                    String(e.duplicates), String(e.lost), e.lostRanges,
                ]
                let faults: [String] = [
                    e.detail, e.stalledPartitionList, String(e.lagBeforeMessages), String(e.lagPeakMessages), f(e.lagPeakAfterMs, 0),
                    f(e.recoveryMs, 0), String(e.orderViolations), String(e.writtenTwice), String(e.produceErrors), retries,
                    f(e.produceP50Ms), f(e.produceP99Ms), f(e.produceMaxMs), e.command, e.commandExit.map(String.init) ?? "", e.commandOutput,
                ]
                return base + faults + [e.part, f(e.rejoinMs, 0)]
            })
    }

    static func partitionRows(_ a: RebalanceAnalysis, runId: String) -> String {
        lines(
            a.partitionTimeline.map { p in
                [
                    runId, a.assignor.rawValue, f(p.tSeconds, 2), String(p.partition), p.owner, String(p.produced),
                    String(p.consumed), String(p.lag), f(p.stalledMs, 0),
                ]
            })
    }

    static func totalsRow(_ a: RebalanceAnalysis, runId: String, broker: String) -> String {
        let retries: String = a.produceRetries.map(String.init) ?? ""
        let base: [String] = [
            runId, broker, a.assignor.rawValue, String(a.produced), String(a.deliveryFailures), String(a.processedUnique),
            String(a.duplicates), String(a.lost), String(a.lostBeforeFirstEvent), a.lostRanges, String(a.undrained), a.undrainedRanges,
            f(a.latencyP50Ms), f(a.latencyP99Ms), f(a.latencyP999Ms), f(a.latencyMaxMs),
        ]
        let faults: [String] = [
            String(a.orderViolations), a.orderExamples, String(a.writtenTwice), a.writtenTwiceExamples, retries, f(a.produceP50Ms), f(a.produceP99Ms),
            f(a.produceMaxMs), a.leadersAtStart, String(a.steadyLagMessages), f(a.hostCpuPct), f(a.hostStealPct),
        ]
        return lines([base + faults])
    }

    /// A terminal table per assignor with the measured numbers (the same as the events and totals CSVs).
    /// - Parameter embeddedTimers: the embedded broker's group timers (`EmbeddedBrokerTimers`), nil on any other
    ///   broker.
    public static func summary(_ analyses: [RebalanceAnalysis], embeddedTimers: String?) -> String {
        var out: [String] = []
        for a in analyses {
            out.append("")
            out.append(
                "assignor \(a.assignor.rawValue): produced \(a.produced), processed \(a.processedUnique) distinct, "
                    + "duplicates \(a.duplicates), lost \(a.lost)\(a.lost > 0 ? " (\(a.lostRanges))" : "")\(a.undrained > 0 ? ", undrained \(a.undrained) (\(a.undrainedRanges))" : ""); latency p50 \(f(a.latencyP50Ms)) ms, "
                    + "p99 \(f(a.latencyP99Ms)) ms, p99.9 \(f(a.latencyP999Ms)) ms, max \(f(a.latencyMaxMs)) ms")
            out.append(
                "  per-key order violations \(a.orderViolations)\(a.orderViolations > 0 ? " (\(a.orderExamples))" : ""); events written twice "
                    + "\(a.writtenTwice)\(a.writtenTwice > 0 ? " (\(a.writtenTwiceExamples))" : ""); producer: "
                    + "\(a.deliveryFailures) failed deliveries, \(a.produceRetries.map(String.init) ?? "unknown") request retries, produce latency p50 \(f(a.produceP50Ms)) ms, "
                    + "p99 \(f(a.produceP99Ms)) ms, max \(f(a.produceMaxMs)) ms")
            out.append("  event               at   target       detect_ms  converged_ms  stalled  max_stall_ms  part_s  deficit  moved  p99_ms  dups  lost")
            for e in a.events {
                // a deploy's turns are indented under its row ("  1/3 c01"); its own row shows every target
                let label = e.part.isEmpty ? e.action : "  \(e.part)"
                out.append(
                    String(
                        format: "  %@ %5.1fs  %@ %10@ %13@ %8d %13.0f %7.1f %8d %6d %7.1f %5d %5d",
                        label.padding(toLength: 16, withPad: " ", startingAt: 0), e.atSeconds,
                        e.target.padding(toLength: 11, withPad: " ", startingAt: 0), f(e.detectionMs, 0).isEmpty ? "-" : f(e.detectionMs, 0),
                        f(e.convergenceMs, 0).isEmpty ? "not conv." : f(e.convergenceMs, 0), e.stalledPartitions,
                        e.maxPartitionStallMs, e.partitionSecondsUnconsumed, e.deficitMessages, e.moved, e.latencyP99Ms,
                        e.duplicates, e.lost))
                if !e.detail.isEmpty {
                    out.append(
                        "    \(e.detail); stalled partitions: \(e.stalledPartitionList.isEmpty ? "none" : e.stalledPartitionList); lag \(e.lagBeforeMessages) at the event, "
                            + "peak \(e.lagPeakMessages) at +\(f(e.lagPeakAfterMs, 0)) ms, "
                            + (e.recoveryMs.map { "back to steady (\(a.steadyLagMessages)) in \(f($0, 0)) ms" }
                                ?? "not back to steady (\(a.steadyLagMessages)) within the window") + "; produce p50 \(f(e.produceP50Ms)) ms, "
                            + "p99 \(f(e.produceP99Ms)) ms, request retries \(e.produceRetries.map(String.init) ?? "unknown"), failed deliveries \(e.produceErrors); order violations \(e.orderViolations)"
                    )
                }
                if !e.command.isEmpty {
                    out.append("    --on-event command exited \(e.commandExit.map(String.init) ?? "(no status)"): \(e.commandOutput.prefix(200))")
                }
                if e.previousRebalanceRunning {
                    out.append(
                        e.detail.isEmpty
                            ? "    came while the previous event's rebalance was still running: its figures include that rebalance"
                            : "    came before the group had recovered from the previous event: its figures include that event's effects")
                }
                if !e.part.isEmpty {
                    out.append(
                        "    \(e.target) " + (e.rejoinMs.map { "rejoined \(f($0, 0)) ms after its stop" } ?? "had not rejoined within the bound"))
                }
                if !e.converged {
                    out.append("    did not converge before \(String(format: "%.1f", e.windowEndSeconds)) s: \(e.stateAtWindowEnd)")
                }
            }
            if a.measuresHost {
                out.append(
                    String(
                        format: "  host: %.1f%% busy, %.1f%% stolen by the hypervisor while the traffic ran: stalls and convergence may measure "
                            + "the host (a descheduled consumer pauses its partitions as a rebalance does); ", a.hostCpuPct, a.hostStealPct)
                        + HostCPU.stolenAdvice)
            }
            for n in a.notes.prefix(5) { out.append("  note: \(n)") }
        }
        if let embeddedTimers {
            out.append("")
            out.append(
                "Durations are from the embedded broker, whose group coordinator has fixed timers (\(embeddedTimers)): "
                    + "they show the protocols' shape, not a real cluster's timings.")
        }
        return out.joined(separator: "\n")
    }

    /// A self-contained gnuplot script drawing group throughput and lag over time, one panel per assignor, with
    /// each event marked; it reads the timeline CSV itself.
    /// - Parameter yMax: top of the throughput axis (catch-up bursts above it are clipped), or nil for automatic.
    public static func gnuplotScript(
        csvPath: String, pngPath: String, analyses: [RebalanceAnalysis], title: String,
        yMax: Double? = nil
    ) -> String {
        let panels = analyses.count
        var s = """
            # kbench rebalance timeline: group throughput and lag over time, one panel per assignor, events marked.
            # Re-run with: gnuplot \((pngPath as NSString).deletingPathExtension).gp
            set terminal pngcairo size 1400,\(300 * panels + 120) font "Sans,11"
            set output \(Gnuplot.quoted(pngPath))
            set datafile separator ','
            set multiplot layout \(panels),1 title \(Gnuplot.doubleQuoted(title)) font "Sans,13"
            set grid ytics
            set style textbox opaque noborder
            set ylabel 'events/s'
            set yrange [0:\(yMax.map { String(format: "%.0f", $0) } ?? "*")]
            set ytics nomirror
            set y2tics
            set y2label 'lag (events)'
            set y2range [0:*]

            """
        let maxT = analyses.flatMap { $0.timeline.map(\.tSeconds) }.max() ?? 1
        for (i, a) in analyses.enumerated() {
            s += "unset arrow\nunset label\nunset object\n"
            // the legend above the first panel only, outside every plot area: it covers no data and no event label
            s += i == 0 ? "set key outside top center horizontal maxrows 1\n" : "unset key\n"
            s += "set title \(Gnuplot.quoted(a.assignor.rawValue))\n"
            s += "set xrange [0:\(String(format: "%.1f", maxT))]\n"
            s += i == analyses.count - 1 ? "set xlabel 'time since traffic started (s)'\n" : "unset xlabel\n"
            // one mark per event: a deploy's turns are in the events CSV, not on the plot
            for (k, e) in a.events.filter({ $0.part.isEmpty }).enumerated() {
                let x = String(format: "%.2f", e.atSeconds)
                s += "set arrow from \(x), graph 0 to \(x), graph 1 nohead dashtype 2 linecolor rgb '#cc3333'\n"
                // the event's unsettled interval, shaded: until the group converged (or, for a broker fault, its lag
                // was back to steady), else to the end of the window
                let settled = (e.detail.isEmpty ? e.convergenceMs : e.recoveryMs ?? e.convergenceMs).map { e.atSeconds + $0 / 1000 }
                let end = String(format: "%.2f", min(settled ?? e.windowEndSeconds, maxT))
                s +=
                    "set object \(k + 1) rect from \(x), graph 0 to \(end), graph 1 fillcolor rgb '\(settled == nil ? "#cc3333" : "#f0a040")' "
                    + "fillstyle transparent solid \(settled == nil ? "0.22" : "0.18") noborder behind\n"
                let stall =
                    e.maxPartitionStallMs >= 1000
                    ? String(format: "%.1f s", e.maxPartitionStallMs / 1000)
                    : String(format: "%.0f ms", e.maxPartitionStallMs)
                let conv = e.convergenceMs.map { String(format: "converged %.1f s", $0 / 1000) } ?? "did not converge"
                let back = e.recoveryMs.map { String(format: "lag back in %.1f s", $0 / 1000) } ?? "lag not back"
                let detail =
                    e.detail.isEmpty
                    ? ": \(e.stalledPartitions) partition(s) stalled, longest \(stall); \(conv)"
                    : ": \(e.stalledPartitions) partition(s) stalled, longest \(stall); lag peak \(e.lagPeakMessages), \(back)"
                s +=
                    "set label \(k + 1) \(Gnuplot.quoted("\(e.action) \(e.target)\(detail)")) at \(x), graph \(0.93 - Double(k % 3) * 0.11) offset 0.5,0 front boxed font 'Sans,10' textcolor rgb '#cc3333'\n"
            }
            s +=
                "plot \(Gnuplot.quoted(csvPath)) every ::2 using (strcol(3) eq \(Gnuplot.quoted(a.assignor.rawValue)) && strcol(5) eq 'group' ? $4 : 1/0):6 "
                + "with lines linewidth 2 linecolor rgb '#1f5fa8' title 'group throughput (100 ms bins; catch-up bursts clipped)', "
                + "'' every ::2 using (strcol(3) eq \(Gnuplot.quoted(a.assignor.rawValue)) && strcol(5) eq 'group' ? $4 : 1/0):9 axes x1y2 "
                + "with lines linewidth 1.5 linecolor rgb '#e08a00' title 'group lag, right axis (produced, not yet processed)', "
                + "NaN with boxes fillstyle transparent solid 0.18 noborder linecolor rgb '#f0a040' title 'event until the group converged', "
                + "NaN with boxes fillstyle transparent solid 0.22 noborder linecolor rgb '#cc3333' title 'event that did not converge'\n"
        }
        s += "unset multiplot\n"
        return s
    }
}

extension RebalanceOutput {
    /// The files of a run (`RebalanceRun`).
    public struct Files: Sendable {
        public var timeline: String
        public var events: String
        public var partitions: String
        public var totals: String
        public var metadata: String
        public var script: String
        public var png: String?
        public var gnuplot: GnuplotStatus

        /// The files, a line each, and what became of the plot (rendered, skipped, gnuplot missing or failed).
        public var listing: String {
            var lines = [
                "timeline: \(timeline)", "events: \(events)", "partitions: \(partitions)", "totals: \(totals)", "metadata: \(metadata)",
                "plot script: \(script)",
            ]
            switch gnuplot {
            case .rendered: lines.append("plot: \(png ?? "")")
            case .skipped: break
            case .notInstalled(let hint): lines.append(hint)
            case .failed(let m): lines.append("gnuplot failed: \(m)")
            }
            return lines.joined(separator: "\n")
        }
    }

    /// The CSVs written beside the timeline CSV at `csvPath` (events, partitions, totals).
    public static func companionPaths(forCSV csvPath: String) -> [String] {
        [ResultPaths.events(forCSV: csvPath), ResultPaths.stem(csvPath) + "-partitions.csv", ResultPaths.stem(csvPath) + "-totals.csv"]
    }

    /// Writes (or rewrites, as assignors finish) the gnuplot timeline of `analyses` into `plotsDir`, reading the
    /// timeline CSV at `csvPath`, and runs gnuplot when `render`. Returns the script's path, the PNG's when
    /// rendered, and what gnuplot did.
    public static func writePlot(
        _ analyses: [RebalanceAnalysis], csvPath: String, plotsDir: String, broker: String, brokerKind: String, render: Bool
    ) throws -> (script: String, png: String?, gnuplot: GnuplotStatus) {
        try FileManager.default.createDirectory(atPath: plotsDir, withIntermediateDirectories: true)
        let name = ResultPaths.name(csvPath)
        let script = RelativePath.join(plotsDir, name + "-timeline.gp")
        let pngName = name + "-timeline.png"
        let title =
            (analyses.contains { $0.events.contains { !$0.detail.isEmpty } }
                ? "Broker faults: group throughput and lag (\(brokerKind))"
                : "Rebalancing: group throughput while consumers join, leave and crash (\(brokerKind))")
            + (broker == "embedded" ? "\nembedded broker: fixed group timers, durations show shape not real-cluster timing" : "")
        // Scale to the steady traffic: three times the median group throughput; catch-up bursts are clipped.
        let steady = Statistics.median(analyses.flatMap { $0.timeline.filter { $0.consumer == "group" && $0.msgsPerS > 0 }.map(\.msgsPerS) })
        try GeneratedFile.write(
            gnuplotScript(
                csvPath: RelativePath.from(plotsDir, to: csvPath), pngPath: pngName, analyses: analyses, title: title,
                yMax: steady > 0 ? steady * 3 : nil),
            to: script)
        var status = GnuplotStatus.skipped
        if render {
            status = GnuplotRunner.run(executable: GnuplotRunner.locate(), scriptFile: (script as NSString).lastPathComponent, directory: plotsDir)
        }
        let png: String? = if case .rendered = status { RelativePath.join(plotsDir, pngName) } else { nil }
        return (script, png, status)
    }
}
