/// The linear-scaling model every sweep number is compared against, written once: the runner's CSV columns, the
/// report's series and the gnuplot curves all come from here.
///
/// With `slots` = P·T (partitions per topic × topics), the most consumers that can hold a partition:
/// - window mode: r1 × min(C, slots) — throughput grows with consumers until every partition has its own;
/// - drain mode: r1 × slots / ceil(slots / C) — the makespan is set by the consumer with the most partitions.
public enum ScalingModel {
    public static func window(r1: Double, consumers: Int, slots: Int) -> Double {
        r1 * Double(min(consumers, slots))
    }

    public static func drain(r1: Double, consumers: Int, slots: Int) -> Double {
        guard consumers > 0 else { return 0 }
        let rounds = (slots + consumers - 1) / consumers
        return r1 * Double(slots) / Double(rounds)
    }

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
