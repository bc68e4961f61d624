import Foundation

/// What the linear model predicts for an open-loop rate, from r1 (one consumer's closed-loop rate).
///
/// Keys spread events evenly over partitions, so each of P partitions carries rate / P, and a consumer holding
/// k partitions must process k · rate / P. With one topic, range and roundrobin give the busiest consumer
/// ceil(P / C) partitions, so C consumers sustain at most r1 · P / ceil(P / C): r1 · C only when C divides P.
/// The usual sizing formula, consumers = ceil(rate / r1), assumes that even split.
/// Rates are events/s; r1 comes from a one-consumer trial (or `--r1`), so every figure is as good as that one.
public struct CapacityModel: Sendable, Equatable {
    /// The open-loop rate to size for, events/s.
    public var rate: Double
    /// One consumer's closed-loop rate, events/s.
    public var r1: Double
    /// Partitions of the one topic (P).
    public var partitions: Int

    public init(rate: Double, r1: Double, partitions: Int) {
        self.rate = rate
        self.r1 = r1
        self.partitions = partitions
    }

    /// ceil(rate / r1): consumers if partitions split evenly among them.
    public var evenSplitConsumers: Int { Int((rate / r1 - 1e-9).rounded(.up)) }

    /// Highest rate C consumers sustain with an even split: r1 · min(C, P).
    public static func evenRate(r1: Double, consumers: Int, partitions: Int) -> Double { r1 * Double(min(consumers, partitions)) }

    /// Highest rate when the busiest consumer holds `maxPartitions` of P: r1 · P / maxPartitions.
    public static func assignmentRate(r1: Double, partitions: Int, maxPartitions: Int) -> Double {
        maxPartitions > 0 ? r1 * Double(partitions) / Double(maxPartitions) : .nan
    }

    /// Smallest C whose busiest consumer (ceil(P / C) partitions) keeps up; nil when even one partition per
    /// consumer is too much (rate / P > r1).
    public var consumersForPartitions: Int? {
        for c in 1...partitions where Self.assignmentRate(r1: r1, partitions: partitions, maxPartitions: (partitions + c - 1) / c) >= rate {
            return c
        }
        return nil
    }

    /// Partitions that would let `evenSplitConsumers` consumers share the load evenly: the smallest multiple of
    /// that count at or above P.
    public var partitionsForEvenSplit: Int {
        let c = evenSplitConsumers
        return c * Int((Double(partitions) / Double(c)).rounded(.up))
    }

    /// The model's answer in sentences (for the terminal and the summary).
    public var explanation: String {
        let perPartition = rate / Double(partitions)
        let fmt = { (v: Double) in Self.number(v) }
        var s = "r1 = \(fmt(r1)) events/s; each of the \(partitions) partitions carries about \(fmt(perPartition)) events/s. "
        if let c = consumersForPartitions {
            let maxHeld = Int(r1 / perPartition)
            s += "A consumer can keep up with at most \(maxHeld) partition\(maxHeld == 1 ? "" : "s") (\(fmt(r1)) ÷ \(fmt(perPartition))), "
            s += "so the model needs \(c) consumer\(c == 1 ? "" : "s")."
            if c > evenSplitConsumers {
                let p2 = partitionsForEvenSplit
                s += " rate ÷ r1 = \(String(format: "%.2f", rate / r1)) suggests \(evenSplitConsumers), which holds only if partitions split evenly: "
                s += "with \(p2) partitions, \(evenSplitConsumers) consumers would each carry \(fmt(rate / Double(evenSplitConsumers))) events/s."
            }
        } else {
            let needed = Int((rate / r1).rounded(.up))
            s += "That is more than one consumer can process (r1), so no consumer count can sustain it on \(partitions) partitions: "
            s += "it takes at least \(needed) partitions (rate ÷ r1), each with its own consumer."
        }
        return s
    }

    /// A whole number of events with thousands separators (5,000).
    static func number(_ v: Double) -> String { ReportText.grouped(Int(v.rounded())) }
}
