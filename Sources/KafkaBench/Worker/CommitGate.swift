import CRdKafka

/// When a group member may send a manual commit (`--commit sync|async|batch:N`): not while it is rebalancing.
///
/// librdkafka 2.0.2 mishandles a commit answered with ILLEGAL_GENERATION during a rebalance: it sets the member's
/// generation to −1 even though a rejoin is already under way, so the member's next SyncGroup or Heartbeat fails
/// and the group rebalances again (librdkafka issue #4059, fixed in 2.10.0). A cooperative-sticky member keeps
/// consuming, and so committing, while it rejoins, and a commit sent then is answered only after the generation
/// has moved on: on the embedded broker, whose rounds take `session.timeout.ms − 1 s`, every round then had a
/// commit in flight and the group never converged. librdkafka's auto-commit commits only in the steady state; the
/// gate approximates that for manual commits from what the member can see: it closes when a synchronous commit
/// fails with REBALANCE_IN_PROGRESS or ILLEGAL_GENERATION (an asynchronous commit's result is not seen), or when the
/// statistics report a join state other than `steady` (up to `statistics.interval.ms` late), and opens again when
/// they report `steady`, or 5 s after a failed commit when no other state was reported. Held offsets of partitions
/// the member still owns go out with its next commit; those of partitions revoked meanwhile are read again by their
/// next owner.
///
/// It needs the join state, so it applies only to a subscribed consumer with statistics on
/// (`statistics.interval.ms` above 0: the rebalance runs); otherwise it is always open.
struct CommitGate {
    /// Whether the gate acts at all; a disabled gate is always open.
    let enabled: Bool
    /// Whether manual commits may go out now.
    private(set) var isOpen = true
    /// The join state last reported by the statistics; nil before the first report.
    private var lastState: String?
    /// When the gate closed (CLOCK_MONOTONIC ns), for the `steadyFallbackNs` reopening; nil while open.
    private var closedAtNs: UInt64?

    /// After a failed commit the member may not report a state change at all (its rejoin can finish between two
    /// statistics reports, or no report has arrived yet): the gate then opens again once the last state is `steady`
    /// (or unknown) and this long has passed.
    static let steadyFallbackNs: UInt64 = 5_000_000_000

    /// A gate switched on or off directly (tests).
    init(enabled: Bool) { self.enabled = enabled }

    /// The gate for a consumer with these librdkafka properties: on when it subscribes (`subscribes`), its
    /// statistics are on, and the run did not switch it off (`requested`: `kbench rebalance --no-commit-gate`).
    init(subscribes: Bool, properties: [String: String], requested: Bool = true) {
        enabled = requested && subscribes && (properties["statistics.interval.ms"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? 0) > 0
    }

    /// A join state change from the statistics.
    mutating func joinStateChanged(to state: String, atNs: UInt64) {
        guard enabled else { return }
        lastState = state
        if state == "steady" {
            isOpen = true
            closedAtNs = nil
        } else if isOpen {
            isOpen = false
            closedAtNs = atNs
        }
    }

    /// A commit failed; the errors that mean "the group is rebalancing" close the gate.
    mutating func commitFailed(_ error: KafkaError, atNs: UInt64) {
        guard enabled, Self.meansRebalancing(error), isOpen else { return }
        isOpen = false
        closedAtNs = atNs
    }

    /// Whether a commit may be sent now.
    mutating func mayCommit(atNs now: UInt64) -> Bool {
        if !isOpen, lastState == nil || lastState == "steady", let closed = closedAtNs, now >= closed + Self.steadyFallbackNs {
            isOpen = true
            closedAtNs = nil
        }
        return isOpen
    }

    /// Whether a commit error says the group is rebalancing: REBALANCE_IN_PROGRESS or ILLEGAL_GENERATION.
    static func meansRebalancing(_ error: KafkaError) -> Bool {
        error.code == RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS.rawValue || error.code == RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION.rawValue
    }
}
