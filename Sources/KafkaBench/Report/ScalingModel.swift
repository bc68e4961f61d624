/// The linear-scaling model every sweep number is compared against, written once: the runner's CSV columns, the
/// report's series and the gnuplot curves all come from here.
///
/// With `slots` = P·T (partitions per topic × topics), the most consumers that can hold a partition:
/// - window mode: r1 × min(C, slots) — throughput grows with consumers until every partition has its own;
/// - drain mode: r1 × slots / ceil(slots / C) — the makespan is set by the consumer with the most partitions;
///   with the trial's real assignment and partition sizes, r1 × total backlog / the largest consumer's backlog
///   (`drain(r1:backlogs:)`), which is the staircase for equal partitions split evenly.
/// Rates are events/s; r1 is the series' single-consumer rate (see `Baseline`).
public enum ScalingModel {
    /// Window mode: r1 × min(C, slots), events/s.
    public static func window(r1: Double, consumers: Int, slots: Int) -> Double {
        r1 * Double(min(consumers, slots))
    }

    /// Drain mode for equal partitions split evenly: r1 × slots / ceil(slots / C), events/s (0 without consumers).
    public static func drain(r1: Double, consumers: Int, slots: Int) -> Double {
        guard consumers > 0 else { return 0 }
        let rounds = (slots + consumers - 1) / consumers
        return r1 * Double(slots) / Double(rounds)
    }

    /// The drain model from what each consumer actually had to read (`backlogs`: messages per consumer, idle
    /// consumers included as 0): the makespan is the largest backlog ÷ r1, so the group's rate is
    /// r1 × total / largest. NaN when nothing was assigned.
    public static func drain(r1: Double, backlogs: [Int]) -> Double {
        guard let largest = backlogs.max(), largest > 0 else { return .nan }
        return r1 * Double(backlogs.reduce(0, +)) / Double(largest)
    }

    /// The formula of `mode` (drain: the even-split staircase, for trials without a recorded assignment).
    public static func model(_ mode: SweepMode, r1: Double, consumers: Int, slots: Int) -> Double {
        mode == .window ? window(r1: r1, consumers: consumers, slots: slots) : drain(r1: r1, consumers: consumers, slots: slots)
    }

    /// The same model as a gnuplot expression of x (consumers), for a curve named in a plot script.
    public static func gnuplot(_ mode: SweepMode, r1: String, slots: Int) -> String {
        switch mode {
        case .window: return "x < 1 ? NaN : \(r1) * (x < \(slots) ? x : \(slots))"
        case .drain: return "x < 0.5 ? NaN : \(r1) * \(slots) / ceil(\(Double(slots)) / floor(x + 0.5))"
        }
    }
}
