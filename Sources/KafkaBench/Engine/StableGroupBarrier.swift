/// The stable-group barrier: the clock of a trial starts only when the group is whole and settled.
///
/// A pure function of what the workers reported: every expected member has an assignment, together they hold
/// every partition exactly once, and no assignment has changed for `settleNs` (longer than the embedded broker's
/// 500 ms heartbeat, so a follow-up rebalance is seen before "go").
/// Checked by the engine after every pump until it says `stable` or the join timeout passes.
public struct StableGroupBarrier: Sendable, Equatable {
    /// How long the assignment must stay unchanged before the barrier releases.
    public static let defaultSettleNs: UInt64 = 1_000_000_000

    /// The barrier's answer for one moment.
    /// The engine polls it until `stable` or the join timeout, whose failure quotes the last `waiting` text.
    public enum State: Sendable, Equatable {
        /// Not yet; the text says what is missing.
        case waiting(String)
        /// Whole and settled: "go" may be sent.
        case stable
    }

    /// Every partition the group must hold, exactly once.
    public let partitions: Set<TopicPartition>
    /// How long no assignment may change before the barrier releases, ns.
    public let settleNs: UInt64
    /// The broker assigns (the consumer protocol, KIP-848): a member that gets no partition is never told so (its
    /// rebalance callback is not called, and its statistics show the same `init` join state as before it joined),
    /// so silence is taken as an empty assignment once the reported ones hold every partition exactly once and
    /// min(members, partitions) members hold some. With more members than partitions that is every partition
    /// held; with fewer, every member must still report.
    public let silentMembersMayBeIdle: Bool

    /// The engine sets `silentMembersMayBeIdle` when the broker assigns (consumer-protocol groups).
    public init(partitions: Set<TopicPartition>, settleNs: UInt64 = Self.defaultSettleNs, silentMembersMayBeIdle: Bool = false) {
        self.partitions = partitions
        self.settleNs = settleNs
        self.silentMembersMayBeIdle = silentMembersMayBeIdle
    }

    /// - Parameters:
    ///   - assignments: each expected member's latest assignment, nil for a member that has reported none.
    ///   - lastChangeNs: when any assignment last changed; `now`: the current time (both CLOCK_MONOTONIC ns).
    public func state(assignments: [[TopicPartition]?], lastChangeNs: UInt64, now: UInt64) -> State {
        let reported = assignments.compactMap { $0 }
        let held = reported.flatMap { $0 }
        let distinct = Set(held)
        let holding = reported.filter { !$0.isEmpty }.count
        let silentAreIdle = silentMembersMayBeIdle && holding == min(assignments.count, partitions.count)
        if (reported.count < assignments.count && !silentAreIdle) || distinct != partitions || held.count != partitions.count {
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
