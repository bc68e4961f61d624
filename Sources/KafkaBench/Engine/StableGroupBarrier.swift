/// The stable-group barrier: the clock of a trial starts only when the group is whole and settled.
///
/// A pure function of what the workers reported: every expected member has an assignment, together they hold
/// every partition exactly once, and no assignment has changed for `settleNs` (longer than the embedded broker's
/// 500 ms heartbeat, so a follow-up rebalance is seen before "go").
public struct StableGroupBarrier: Sendable, Equatable {
    /// How long the assignment must stay unchanged before the barrier releases.
    public static let defaultSettleNs: UInt64 = 1_000_000_000

    public enum State: Sendable, Equatable {
        /// Not yet; the text says what is missing.
        case waiting(String)
        case stable
    }

    public let partitions: Set<TopicPartition>
    public let settleNs: UInt64

    public init(partitions: Set<TopicPartition>, settleNs: UInt64 = Self.defaultSettleNs) {
        self.partitions = partitions
        self.settleNs = settleNs
    }

    /// - Parameters:
    ///   - assignments: each expected member's latest assignment, nil for a member that has reported none.
    ///   - lastChangeNs: when any assignment last changed; `now`: the current time (both CLOCK_MONOTONIC ns).
    public func state(assignments: [[TopicPartition]?], lastChangeNs: UInt64, now: UInt64) -> State {
        let reported = assignments.compactMap { $0 }
        let held = reported.flatMap { $0 }
        let distinct = Set(held)
        if reported.count < assignments.count || distinct != partitions || held.count != partitions.count {
            return .waiting(
                "\(reported.count) of \(assignments.count) consumers have an assignment, "
                    + "\(distinct.intersection(partitions).count) of \(partitions.count) partitions are held"
                    + (held.count > distinct.count ? " (\(held.count - distinct.count) held twice)" : ""))
        }
        if now < lastChangeNs + settleNs {
            return .waiting("the assignment is complete but changed \((now - lastChangeNs) / 1_000_000) ms ago")
        }
        return .stable
    }
}
