import Foundation
import KafkaBench

/// Terminal progress for a sweep: one updating line on a TTY, plain lines otherwise (every phase of every trial,
/// so a log shows where a long run is). Used on the runner's thread only.
/// Everything goes to stderr, so stdout keeps only the final table.
final class SweepDisplay {
    /// Whether stderr is a terminal: phases then redraw one line in place instead of printing a line each.
    let interactive: Bool
    /// Whether the last interactive line was drawn without a newline (the next one overwrites it).
    private var lineOpen = false

    init(interactive: Bool) { self.interactive = interactive }

    /// Shows one progress event: seeding, notes, a trial's phase, or a finished trial's one-line result (events/s,
    /// efficiency, idle, lost, host-bound or stolen CPU, elapsed time and ETA).
    func show(_ p: SweepProgress) {
        switch p {
        case .seeding(let topic, let messages):
            line("seeding \(topic) with \(messages) messages…", final: !interactive)
        case .seeded(let topic, let messages, let seconds):
            line("seeded \(topic): \(messages) messages in \(String(format: "%.1f", seconds)) s", final: true)
        case .note(let text):
            line(text, final: true)
        case .trialPhase(let i, let n, let point, let phase):
            line("[\(i)/\(n)] \(point): \(phase)…", final: !interactive)
        case .trialDone(let i, let n, let row, let elapsed, let eta):
            var text =
                "[\(i)/\(n)] P=\(row.partitions) C=\(row.consumers) \(row.assignor)"
                + (row.repeat > 1 ? " #\(row.repeat)" : "") + ": "
            if row.status == .ok {
                text +=
                    "\(Int(row.msgsPerS.rounded())) events/s, efficiency \(SweepTable.cell(row.efficiency, "%.2f")), idle \(row.idleConsumers), lost \(row.lost)"
                if HostCPU.isHostBound(row.hostCpuPct) {
                    text += ", HOST-BOUND (host CPU \(Int(row.hostCpuPct.rounded()))%: \(HostCPU.advice))"
                }
                if HostCPU.isStolen(row.hostStealPct) {
                    text += ", CPU STOLEN (the hypervisor took \(Int(row.hostStealPct.rounded()))%: \(HostCPU.stolenAdvice))"
                }
            } else {
                text += "FAILED: \(row.reason)"
            }
            text += " · elapsed \(clock(elapsed)), ETA \(clock(eta))"
            line(text, final: true)
        }
    }

    /// Ends an open interactive line, so what is printed next starts on its own line.
    func finish() { if lineOpen { Console.info(""); lineOpen = false } }

    /// Prints `text` to stderr; interactively it clears the current line first, and leaves it open unless `final`.
    private func line(_ text: String, final: Bool) {
        if interactive {
            FileHandle.standardError.write(Data(("\r\u{1B}[2K" + text + (final ? "\n" : "")).utf8))
            lineOpen = !final
        } else {
            Console.info(text)
        }
    }

    /// Seconds as "m:ss" (minutes not capped at 60).
    private func clock(_ s: Double) -> String {
        let t = Int(s.rounded())
        return String(format: "%d:%02d", t / 60, t % 60)
    }
}

/// The end-of-sweep table: per (partitions, assignor), consumers against throughput, speedup, efficiency, idle.
/// Printed to stdout at the end of a sweep; the CSV holds the same figures per trial.
enum SweepTable {
    /// A figure for the terminal, "–" when it is unknown (NaN), as the CSV leaves its cell empty.
    static func cell(_ value: Double, _ format: String) -> String { value.isFinite ? String(format: format, value) : "–" }

    /// The table, one block per (partitions, assignor): per consumer count the median events/s of the ok trials, the
    /// speedup over the smallest count, the median efficiency, the most idle consumers, the losses and the status; then a
    /// note when any row was host-bound or had its CPU stolen.
    static func render(_ rows: [TrialRow]) -> String {
        var out: [String] = []
        var hostBound = false
        var stolen = false
        let groups = Dictionary(grouping: rows) { "\($0.partitions)|\($0.assignor)" }
        let keys = groups.keys.sorted { a, b in
            let (pa, aa) = (Int(a.split(separator: "|")[0])!, a.split(separator: "|")[1])
            let (pb, ab) = (Int(b.split(separator: "|")[0])!, b.split(separator: "|")[1])
            return (pa, aa) < (pb, ab)
        }
        for key in keys {
            let g = groups[key]!
            let first = g[0]
            out.append("")
            out.append("partitions=\(first.partitions) topics=\(first.topics) assignor=\(first.assignor) work=\(first.work) mode=\(first.mode)")
            out.append("consumers    events/s   speedup  efficiency  idle  lost  status")
            let byC = Dictionary(grouping: g, by: \.consumers)
            let base = Statistics.median(byC[byC.keys.min()!]!.filter { $0.status == .ok }.map(\.msgsPerS))
            for c in byC.keys.sorted() {
                let rs = byC[c]!
                let ok = rs.filter { $0.status == .ok }
                // unknown figures (no ok trial here, or no ok baseline) show as "–", as the CSV leaves them empty
                let m = ok.isEmpty ? Double.nan : Statistics.median(ok.map(\.msgsPerS))
                let speedup = base > 0 ? m / base : .nan
                let efficiencies = ok.map(\.efficiency).filter(\.isFinite)
                let eff = efficiencies.isEmpty ? Double.nan : Statistics.median(efficiencies)
                let idle = rs.map(\.idleConsumers).max() ?? 0
                let lost = rs.reduce(0) { $0 + $1.lost }
                var status = ok.count == rs.count ? "ok" : "\(rs.count - ok.count) failed"
                if ok.contains(where: { HostCPU.isHostBound($0.hostCpuPct) }) { status += ", host-bound"; hostBound = true }
                if ok.contains(where: { HostCPU.isStolen($0.hostStealPct) }) { status += ", cpu-stolen"; stolen = true }
                let columns = [
                    cell(m, "%.0f").leftPadded(11), (cell(speedup, "%.2f") + (speedup.isFinite ? "x" : "")).leftPadded(9),
                    cell(eff, "%.2f").leftPadded(11),
                ]
                out.append(String(format: "%9d ", c) + columns.joined(separator: " ") + String(format: " %5d %5d  ", idle, lost) + status)
            }
        }
        if hostBound {
            out.append("")
            out.append(
                "host-bound: the host's CPU was at least \(Int(HostCPU.hostBoundPercent))% busy while measuring, so those rows measure "
                    + "this host, not the consumer group; \(HostCPU.advice).")
        }
        if stolen {
            out.append("")
            out.append(
                "cpu-stolen: the hypervisor gave at least \(Int(HostCPU.stolenPercent))% of this machine's CPU time to others while measuring "
                    + "(steal time), so the consumers' timers woke late and those rows measure the host, not the consumer group; "
                    + "\(HostCPU.stolenAdvice).")
        }
        return out.joined(separator: "\n")
    }
}

extension String {
    /// Right-aligned in `width` characters (counted as characters, so "–" takes one).
    fileprivate func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
