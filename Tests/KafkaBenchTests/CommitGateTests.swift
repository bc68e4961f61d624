import CRdKafka
import Testing

@testable import KafkaBench

/// When manual commits are held: from a rebalance-related commit failure or a non-steady join state until the
/// member reports `steady` again (see `CommitGate`).
@Suite struct CommitGateTests {
    static let s: UInt64 = 1_000_000_000
    static let rebalancing = KafkaError.rd(RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS, "commit")
    static let illegalGeneration = KafkaError.rd(RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION, "commit")

    /// `mayCommit` outside `#expect`, which cannot call a mutating method.
    static func may(_ gate: inout CommitGate, _ ns: UInt64) -> Bool { gate.mayCommit(atNs: ns) }

    @Test func aRebalancingCommitHoldsCommitsUntilTheMemberIsSteadyAgain() {
        var gate = CommitGate(enabled: true)
        gate.joinStateChanged(to: "steady", atNs: 1 * Self.s)
        #expect(Self.may(&gate, 2 * Self.s))
        gate.commitFailed(Self.rebalancing, atNs: 3 * Self.s)
        #expect(!Self.may(&gate, 3 * Self.s))
        gate.joinStateChanged(to: "wait-join", atNs: 4 * Self.s)
        // the rejoin outlasts the fallback: still held while the state is not steady
        #expect(!Self.may(&gate, 20 * Self.s))
        gate.joinStateChanged(to: "steady", atNs: 21 * Self.s)
        #expect(Self.may(&gate, 21 * Self.s))
    }

    @Test func aNonSteadyStateHoldsCommitsAndAnIllegalGenerationToo() {
        var gate = CommitGate(enabled: true)
        gate.joinStateChanged(to: "wait-join", atNs: 0)
        #expect(!Self.may(&gate, 1 * Self.s))
        gate.joinStateChanged(to: "steady", atNs: 2 * Self.s)
        gate.commitFailed(Self.illegalGeneration, atNs: 3 * Self.s)
        #expect(!Self.may(&gate, 4 * Self.s))
    }

    /// The rejoin may finish between two statistics reports, so that no state change is seen: the gate opens
    /// again once the last state is steady and the fallback has passed.
    @Test func anUnseenRejoinReopensAfterTheFallback() {
        var gate = CommitGate(enabled: true)
        gate.joinStateChanged(to: "steady", atNs: 0)
        gate.commitFailed(Self.rebalancing, atNs: 1 * Self.s)
        #expect(!Self.may(&gate, 1 * Self.s + CommitGate.steadyFallbackNs - 1))
        #expect(Self.may(&gate, 1 * Self.s + CommitGate.steadyFallbackNs))
    }

    /// With statistics off (`-X statistics.interval.ms=0`) the gate is off; with no state reported yet, a failed
    /// commit holds only until the fallback.
    @Test func withoutStatisticsTheGateIsOffOrFallsBack() {
        #expect(!CommitGate(subscribes: true, properties: ["statistics.interval.ms": "0"]).enabled)
        #expect(!CommitGate(subscribes: true, properties: [:]).enabled)
        #expect(!CommitGate(subscribes: false, properties: ["statistics.interval.ms": "100"]).enabled)
        var gate = CommitGate(subscribes: true, properties: ["statistics.interval.ms": "100"])
        #expect(gate.enabled)
        gate.commitFailed(Self.rebalancing, atNs: 0)
        #expect(!Self.may(&gate, CommitGate.steadyFallbackNs - 1))
        #expect(Self.may(&gate, CommitGate.steadyFallbackNs))
    }

    @Test func otherFailuresAndADisabledGateNeverHold() {
        var gate = CommitGate(enabled: true)
        gate.joinStateChanged(to: "steady", atNs: 0)
        gate.commitFailed(KafkaError.rd(RD_KAFKA_RESP_ERR__TRANSPORT, "commit"), atNs: 1 * Self.s)
        #expect(Self.may(&gate, 1 * Self.s))
        var off = CommitGate(enabled: false)
        off.joinStateChanged(to: "wait-join", atNs: 0)
        off.commitFailed(Self.illegalGeneration, atNs: 0)
        #expect(Self.may(&off, 0))
    }
}
