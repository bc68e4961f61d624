import Testing

@testable import KafkaBench

/// The stable-group barrier as a pure function of what the workers reported.
@Suite struct StableGroupBarrierTests {
    static let partitions = (0..<4).map { TopicPartition("t", Int32($0)) }
    static let barrier = StableGroupBarrier(partitions: Set(partitions), settleNs: 1_000_000_000)
    static let s: UInt64 = 1_000_000_000

    @Test func waitsForEveryMember() {
        let p = Self.partitions
        let state = Self.barrier.state(assignments: [[p[0], p[1], p[2], p[3]], nil], lastChangeNs: 0, now: 10 * Self.s)
        #expect(state == .waiting("1 of 2 consumers have an assignment, 4 of 4 partitions are held"))
    }

    /// Under the consumer protocol a member the broker gives nothing never reports: with more members than
    /// partitions, silence counts as idle once every partition is held by its own member; with fewer, a silent
    /// member is still waited for.
    @Test func brokerAssignedGroupsTakeSilentMembersAsIdleOnlyWhenEveryPartitionHasAMember() {
        let p = Self.partitions
        let kip848 = StableGroupBarrier(partitions: Set(p), settleNs: Self.s, silentMembersMayBeIdle: true)
        let oneEach: [[TopicPartition]?] = [[p[0]], [p[1]], [p[2]], [p[3]], nil, nil]
        #expect(kip848.state(assignments: oneEach, lastChangeNs: 0, now: 10 * Self.s) == .stable)
        #expect(Self.barrier.state(assignments: oneEach, lastChangeNs: 0, now: 10 * Self.s) != .stable)
        // three members, four partitions: the silent one has not joined yet (it would get a partition)
        #expect(kip848.state(assignments: [[p[0], p[1]], [p[2], p[3]], nil], lastChangeNs: 0, now: 10 * Self.s) != .stable)
        // six members, but two hold two partitions each: the group is still forming
        #expect(kip848.state(assignments: [[p[0], p[1]], [p[2], p[3]], nil, nil, nil, nil], lastChangeNs: 0, now: 10 * Self.s) != .stable)
    }

    @Test func everyMemberAssignedButAPartitionMissingOrHeldTwiceIsNotStable() {
        let p = Self.partitions
        #expect(Self.barrier.state(assignments: [[p[0], p[1]], [p[2]]], lastChangeNs: 0, now: 10 * Self.s) != .stable)
        #expect(
            Self.barrier.state(assignments: [[p[0], p[1], p[2]], [p[2], p[3]]], lastChangeNs: 0, now: 10 * Self.s)
                == .waiting("2 of 2 consumers have an assignment, 4 of 4 partitions are held (1 held twice)"))
    }

    @Test func releasesOnlyAfterTheSettleTime() {
        let p = Self.partitions
        let full: [[TopicPartition]?] = [[p[0], p[1]], [p[2], p[3]]]
        #expect(Self.barrier.state(assignments: full, lastChangeNs: 5 * Self.s, now: 5 * Self.s + Self.s / 2) != .stable)
        #expect(Self.barrier.state(assignments: full, lastChangeNs: 5 * Self.s, now: 6 * Self.s) == .stable)
    }

    /// A follow-up rebalance: the group looked complete, then a member was revoked and reassigned. The clock must
    /// wait a full settle time after the last change, not after the first complete assignment.
    @Test func aFollowUpRebalanceRestartsTheSettleTime() {
        let p = Self.partitions
        var lastChange = 3 * Self.s
        var current: [[TopicPartition]?] = [[p[0], p[1]], [p[2], p[3]]]
        #expect(Self.barrier.state(assignments: current, lastChangeNs: lastChange, now: 3 * Self.s + Self.s / 2) != .stable)
        current = [[], [p[2], p[3]]]  // revoked at 3.6 s by a follow-up rebalance
        lastChange = 3 * Self.s + 6 * Self.s / 10
        #expect(Self.barrier.state(assignments: current, lastChangeNs: lastChange, now: 4 * Self.s + Self.s / 10) != .stable)
        current = [[p[0], p[1]], [p[2], p[3]]]  // assigned again at 4.2 s
        lastChange = 4 * Self.s + 2 * Self.s / 10
        #expect(Self.barrier.state(assignments: current, lastChangeNs: lastChange, now: 4 * Self.s + 9 * Self.s / 10) != .stable)
        #expect(Self.barrier.state(assignments: current, lastChangeNs: lastChange, now: 5 * Self.s + 2 * Self.s / 10) == .stable)
    }
}
