/// The consumer count the sweep's linear model is scaled from (`--baseline`, default the smallest consumer count),
/// what each row's `baseline` cell says about it, and what a reader must be warned about.
///
/// r1 = the baseline trials' median events/s ÷ the model's factor at k (min(k, P·T) in window mode), so the model
/// passes through the baseline point. It is a single consumer's rate only when k = 1 and the consumer scaled
/// linearly up to k otherwise.
/// The cells it writes are read back by `consumers(fromCell:rowConsumers:)` when a report regroups the rows.
public enum Baseline {
    /// `baseline` cell of an ok trial at the baseline count: its rate is part of r1.
    public static let isBaseline = "self"

    /// `baseline` cell of a row whose model is scaled from the trials at C = k.
    public static func scaledFrom(_ k: Int) -> String { "C=\(k)" }

    /// `baseline` cell of a row left without a model, and why (the model columns are then empty, never 0).
    public static func missing(_ k: Int, reason: String) -> String {
        "none: no baseline trial at C = \(k) succeeded (\(reason.prefix(120)))"
    }

    /// The consumer count a row's model was scaled from, read back from its `baseline` cell (nil: none or unknown).
    public static func consumers(fromCell cell: String, rowConsumers: Int) -> Int? {
        if cell == isBaseline { return rowConsumers }
        if cell.hasPrefix("C="), let k = Int(cell.dropFirst(2)) { return k }
        return nil
    }

    /// What a reader must know about a model scaled from C = k on P·T partition slots.
    public static func warnings(k: Int, partitionSlots: Int) -> [String] {
        var out: [String] = []
        if k > partitionSlots {
            out.append(
                "the model is scaled from C = \(k), more consumers than the \(partitionSlots) partitions (P·T): "
                    + "\(k - partitionSlots) of them sat idle, so r1 is that group's rate ÷ \(partitionSlots), not one consumer's; "
                    + "add --baseline 1")
        } else if k > 1 {
            out.append(
                "the model is scaled from C = \(k), not from one consumer: r1 = that group's rate ÷ \(k) assumes the "
                    + "group scaled linearly up to \(k) consumers, which this sweep did not measure; add --baseline 1")
        }
        return out
    }
}
