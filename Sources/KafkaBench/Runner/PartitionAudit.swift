/// Tracks the offsets one consumer saw on one partition, to prove contiguity: every gap is a lost message,
/// every repeat a duplicate.
public struct PartitionAudit: Sendable, Equatable {
    public private(set) var firstOffset: Int64 = -1
    public private(set) var lastOffset: Int64 = -1
    public private(set) var count = 0
    public private(set) var duplicates = 0
    public private(set) var gaps = 0

    public init() {}

    /// Records one consumed offset.
    @inline(__always)
    public mutating func record(_ offset: Int64) {
        count += 1
        if firstOffset < 0 {
            firstOffset = offset
            lastOffset = offset
            return
        }
        if offset <= lastOffset {
            duplicates += 1
        } else {
            gaps += Int(offset - lastOffset - 1)
            lastOffset = offset
        }
    }

    public var seen: Bool { firstOffset >= 0 }

    public func report(_ tp: TopicPartition) -> PartitionAuditReport {
        PartitionAuditReport(topicPartition: tp, firstOffset: firstOffset, lastOffset: lastOffset, count: count,
                             duplicates: duplicates, gaps: gaps)
    }
}

/// The verdict on a trial's consumption across all its consumers.
public struct Verification: Sendable, Equatable {
    public var consumed = 0
    public var lost = 0
    public var duplicates = 0
    /// Human-readable problems (a partition read by two consumers, a missing partition, …).
    public var problems: [String] = []

    /// Merges every consumer's audits against the partitions' offsets.
    /// - Parameters:
    ///   - lowWatermarks: each partition's first offset (where a fresh group starts).
    ///   - highWatermarks: each partition's end; when given (drain mode), everything up to it must be consumed.
    public static func verify(
        audits: [(consumer: String, report: PartitionAuditReport)],
        lowWatermarks: [TopicPartition: Int64], highWatermarks: [TopicPartition: Int64]? = nil
    ) -> Verification {
        var v = Verification()
        var byPartition: [TopicPartition: [(String, PartitionAuditReport)]] = [:]
        for (consumer, r) in audits where r.count > 0 { byPartition[r.topicPartition, default: []].append((consumer, r)) }
        for (tp, reports) in byPartition.sorted(by: { $0.key < $1.key }) {
            if reports.count > 1 {
                let names = reports.map(\.0).joined(separator: ", ")
                v.problems.append("\(tp) was consumed by \(reports.count) consumers (\(names))")
            }
            for (_, r) in reports {
                v.consumed += r.count
                v.duplicates += r.duplicates
                v.lost += r.gaps
            }
            // Several readers of one partition overlap: count what the union missed and repeated.
            let first = reports.map(\.1.firstOffset).min()!
            let last = reports.map(\.1.lastOffset).max()!
            if reports.count > 1 {
                let distinct = Int(last - first + 1) - reports.reduce(0) { $0 + $1.1.gaps }
                v.duplicates += max(0, reports.reduce(0) { $0 + $1.1.count - $1.1.duplicates } - distinct)
            }
            if let low = lowWatermarks[tp], first > low { v.lost += Int(first - low) }
            if let high = highWatermarks?[tp], last + 1 < high { v.lost += Int(high - last - 1) }
        }
        if let highs = highWatermarks {
            for (tp, high) in highs.sorted(by: { $0.key < $1.key }) where byPartition[tp] == nil {
                let low = lowWatermarks[tp] ?? 0
                if high > low {
                    v.lost += Int(high - low)
                    v.problems.append("\(tp) was never consumed (\(high - low) messages)")
                }
            }
        }
        return v
    }
}
