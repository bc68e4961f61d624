extension RebalanceAnalysis {
    /// A finding of the per-key audit: when the message was processed, and what is wrong.
    /// Findings are attributed to event windows by `ns`, and up to five are quoted in the totals.
    struct KeyFinding {
        /// When the offending message was processed (monotonic ns): the finding belongs to the event whose window
        /// holds this moment.
        var ns: UInt64
        /// The finding for the report: "p3 user 17: seq 1204 (offset 88) after 1210", or the two offsets of an event
        /// written twice.
        var text: String
    }

    /// The per-key audit of first processings, per partition (a user's events all land on one) in processing
    /// order: `reordered`, a user's event processed after a later one of the same user (its producer sequence
    /// lower than one already seen); `writtenTwice`, an event (user and sequence) found at a second offset, which
    /// the idempotent producer must prevent. Messages without a kbench event (user 0, sequence 0) are skipped by
    /// the second check. Each list is sorted by processing time; duplicates (an offset processed again) are skipped.
    static func keyAudit(_ samples: [RebalanceRecording.Sample]) -> (reordered: [KeyFinding], writtenTwice: [KeyFinding]) {
        var reordered: [KeyFinding] = [], twice: [KeyFinding] = []
        for (partition, list) in Dictionary(grouping: samples, by: \.partition).sorted(by: { $0.key < $1.key }) {
            var seen = Set<Int64>()
            var highest: [UInt32: UInt32] = [:]
            var events: [UInt64: Int64] = [:]
            for s in list.sorted(by: { ($0.ns, $0.offset) < ($1.ns, $1.offset) }) where seen.insert(s.offset).inserted {
                let key = UInt64(s.userId) << 32 | UInt64(s.sequence)
                if key != 0, let other = events[key] {
                    twice.append(KeyFinding(ns: s.ns, text: "p\(partition) user \(s.userId) seq \(s.sequence) at offsets \(other) and \(s.offset)"))
                    continue
                }
                events[key] = s.offset
                if let h = highest[s.userId], s.sequence < h {
                    reordered.append(KeyFinding(ns: s.ns, text: "p\(partition) user \(s.userId): seq \(s.sequence) (offset \(s.offset)) after \(h)"))
                } else {
                    highest[s.userId] = s.sequence
                }
            }
        }
        return (reordered.sorted { $0.ns < $1.ns }, twice.sorted { $0.ns < $1.ns })
    }
}
