/// Tracks the offsets one consumer saw on one partition: the contiguous runs it read (a new run starts after a
/// gap) and every repeat (an offset at or below the highest already seen).
/// Cheap per message (no set of offsets): a reader that reads in order keeps one run per partition.
public struct PartitionAudit: Sendable, Equatable {
    /// Contiguous runs read, in order; a reader without gaps has one.
    public private(set) var runs: [OffsetRange] = []
    /// Offsets recorded, repeats included.
    public private(set) var count = 0
    /// Offsets recorded at or below the highest already seen (not added to `runs`).
    public private(set) var duplicates = 0

    /// An audit that has seen nothing.
    public init() {}

    /// Records one consumed offset.
    @inline(__always)
    public mutating func record(_ offset: Int64) {
        count += 1
        guard let last = runs.last?.last else {
            runs.append(OffsetRange(offset, offset))
            return
        }
        if offset <= last {
            duplicates += 1
        } else if offset == last + 1 {
            runs[runs.count - 1].last = offset
        } else {
            runs.append(OffsetRange(offset, offset))
        }
    }

    /// Whether any offset was recorded; unseen partitions are left out of the reports.
    public var seen: Bool { count > 0 }

    /// The audit as sent to the runner, for partition `tp`.
    public func report(_ tp: TopicPartition) -> PartitionAuditReport {
        PartitionAuditReport(topicPartition: tp, runs: runs, count: count, duplicates: duplicates)
    }
}

/// An inclusive range of offsets, `first...last`.
/// Crosses the worker protocol as JSON inside audits; `first` must not exceed `last`.
public struct OffsetRange: Codable, Sendable, Equatable, Comparable, CustomStringConvertible {
    /// The first and last offsets of the range, both included.
    public var first: Int64
    public var last: Int64
    /// The range `first...last`; `first` must not exceed `last`.
    public init(_ first: Int64, _ last: Int64) { self.first = first; self.last = last }
    /// Offsets in the range (both ends included).
    public var length: Int64 { last - first + 1 }
    /// By first offset, then last: the order `Verification.merge` sorts by.
    public static func < (a: OffsetRange, b: OffsetRange) -> Bool { (a.first, a.last) < (b.first, b.last) }
    /// "17" for one offset, "17–42" for several (an en dash, as reports print ranges).
    public var description: String { first == last ? "\(first)" : "\(first)–\(last)" }
}

/// Per-partition verification of what one consumer saw.
/// Sent in `WorkerFinal.audits`; the runner merges every reader's reports with `Verification.verify`.
public struct PartitionAuditReport: Codable, Sendable, Equatable {
    /// The partition the report is about.
    public var topicPartition: TopicPartition
    /// Contiguous runs of offsets read, in reading order.
    public var runs: [OffsetRange]
    /// Messages read, repeats included.
    public var count: Int
    /// Offsets this reader saw again (at or below the highest it had already seen).
    public var duplicates: Int

    /// The lowest offset read, -1 when none.
    public var firstOffset: Int64 { runs.first?.first ?? -1 }
    /// The highest offset read, -1 when none.
    public var lastOffset: Int64 { runs.map(\.last).max() ?? -1 }
}

/// One worker's audits, per topic (by index in the consumer's topic names) and partition.
/// Owned by the consumer loop and updated on its thread for every processed message.
struct ConsumptionAudit {
    /// Indexed by topic index, then partition number; grown as they appear, so a lookup costs no hashing.
    private var audits: [[PartitionAudit]] = []

    /// Records one consumed offset; called for every message on the consumer's thread.
    @inline(__always)
    mutating func record(_ topicIndex: Int, _ partition: Int32, _ offset: Int64) {
        let p = Int(partition)
        if topicIndex >= audits.count { audits += Array(repeating: [], count: topicIndex + 1 - audits.count) }
        if p >= audits[topicIndex].count {
            audits[topicIndex] += Array(repeating: PartitionAudit(), count: p + 1 - audits[topicIndex].count)
        }
        audits[topicIndex][p].record(offset)
    }

    /// A report for every partition that saw at least one offset; `topicNames` maps the topic indices to names.
    func reports(topicNames: [String]) -> [PartitionAuditReport] {
        var out: [PartitionAuditReport] = []
        for (ti, row) in audits.enumerated() {
            for (p, a) in row.enumerated() where a.seen { out.append(a.report(TopicPartition(topicNames[ti], Int32(p)))) }
        }
        return out
    }
}

/// The verdict on a trial's consumption across all its consumers. Every reader's runs are merged per partition
/// before judging, so an offset read once by any reader is neither lost nor duplicated, however the readers
/// split the partition between them.
public struct Verification: Sendable, Equatable {
    /// Messages read by every consumer together, repeats included.
    public var consumed = 0
    /// Offsets nobody read between the low watermark and the end (the highest read, or the high watermark in drain mode).
    public var lost = 0
    /// Reads beyond the first of an offset, over every reader.
    public var duplicates = 0
    /// The offsets nobody read, per partition, as ranges.
    public var lostRanges: [TopicPartition: [OffsetRange]] = [:]
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
            let read = reports.reduce(0) { $0 + $1.1.count }
            v.consumed += read
            let union = merge(reports.flatMap(\.1.runs))
            let distinct = union.reduce(0) { $0 + Int($1.length) }
            v.duplicates += read - distinct
            let start = lowWatermarks[tp] ?? union.first!.first
            let end = highWatermarks?[tp].map { $0 - 1 } ?? union.last!.last
            let missing = holes(in: union, from: start, through: end)
            if !missing.isEmpty {
                v.lostRanges[tp] = missing
                v.lost += missing.reduce(0) { $0 + Int($1.length) }
            }
        }
        if let highs = highWatermarks {
            for (tp, high) in highs.sorted(by: { $0.key < $1.key }) where byPartition[tp] == nil {
                let low = lowWatermarks[tp] ?? 0
                if high > low {
                    v.lost += Int(high - low)
                    v.lostRanges[tp] = [OffsetRange(low, high - 1)]
                    v.problems.append("\(tp) was never consumed (\(high - low) messages)")
                }
            }
        }
        return v
    }

    /// The union of `ranges` as sorted, disjoint, non-adjacent ranges.
    static func merge(_ ranges: [OffsetRange]) -> [OffsetRange] {
        var out: [OffsetRange] = []
        for r in ranges.sorted() {
            if let last = out.last, r.first <= last.last + 1 {
                out[out.count - 1].last = max(last.last, r.last)
            } else {
                out.append(r)
            }
        }
        return out
    }

    /// The offsets in `start...end` that `union` (sorted, disjoint) does not cover.
    static func holes(in union: [OffsetRange], from start: Int64, through end: Int64) -> [OffsetRange] {
        var out: [OffsetRange] = []
        var next = start
        for r in union where r.last >= start {
            if r.first > end { break }
            if r.first > next { out.append(OffsetRange(next, min(r.first - 1, end))) }
            next = max(next, r.last + 1)
        }
        if next <= end { out.append(OffsetRange(next, end)) }
        return out
    }
}
