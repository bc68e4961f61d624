/// What one script event did to the group, measured per partition over the event's window: from the event to the
/// next event (or the end of the run), so nothing is attributed to the wrong event.
/// Built by `RebalanceAnalysis.analyzeEvent` and the row helper in `analyze`; written as one line of the events CSV.
public struct RebalanceEventResult: Sendable, Equatable {
    /// The script action's name as written in the script (`RebalanceScript.Action.rawValue`: "kill", "rolling-restart", …).
    /// Events CSV column `event`.
    public var action: String
    /// Seconds after the start of traffic.
    /// Events CSV column `at_s`, 2 decimals (empty when absent or not finite).
    public var atSeconds: Double
    /// Where the event's window ends: the next event, or the end of the run (seconds after the start of traffic).
    /// Events CSV column `window_end_s`, 2 decimals (empty when absent or not finite).
    public var windowEndSeconds: Double
    /// The consumer the event acted on.
    public var target: String
    /// Event → the first moment another member showed it knew of the rebalance: its group join state left
    /// "steady" (librdkafka statistics, 100 ms resolution) or its assignment changed, whichever came first. The
    /// same signal under eager and cooperative protocols.
    /// Events CSV column `detection_ms`, 0 decimals (empty when absent or not finite).
    public var detectionMs: Double?
    /// The group had not settled from an earlier event when this one came (an earlier rebalance still running):
    /// detection then counts only members leaving "steady", and the figures mix both events' effects.
    /// Events CSV column `previous_rebalance_running`, "yes" or "no".
    public var previousRebalanceRunning: Bool
    /// Event → every partition owned exactly once by a live member, every live member owning one (when there are
    /// no more members than partitions), and every partition consumed again since; nil when that did not happen
    /// within the window ("did not converge"). For a broker fault, also every stall that overlaps the window ended.
    /// Events CSV column `convergence_ms`, 0 decimals (empty when absent or not finite).
    public var convergenceMs: Double?
    /// When the group did not converge: who owned what at the window's end, unowned partitions, idle members.
    public var stateAtWindowEnd: String
    /// Partitions that stalled in the window (a message available and not consumed for longer than the stall
    /// threshold), the longest such stall and its partition.
    public var stalledPartitions: Int
    /// The longest stall of any one partition inside the window, in ms (0 when none stalled); a stall that runs past
    /// the window counts only when its part inside is itself above the threshold.
    /// Events CSV column `max_partition_stall_ms`, 0 decimals (empty when absent or not finite).
    public var maxPartitionStallMs: Double
    /// The partition of that longest stall; nil when no partition stalled.
    /// Events CSV column `max_stall_partition`, empty when nil.
    public var maxStallPartition: Int32?
    /// The integral over partitions of "had backlog and was not consumed" (stalls only) within the window.
    /// Events CSV column `partition_seconds_unconsumed`, 2 decimals (empty when absent or not finite).
    public var partitionSecondsUnconsumed: Double
    /// The most messages the group fell behind steady traffic during the window (peak of produced − consumed
    /// since the event).
    /// Events CSV column `deficit_msgs`.
    public var deficitMessages: Int
    /// Longest interval in the window in which no partition was consumed at all (a group-wide figure that any
    /// live partition keeps near zero; secondary to the per-partition view).
    /// Events CSV column `group_pause_ms`, 0 decimals (empty when absent or not finite).
    public var groupPauseMs: Double
    /// Partitions whose owner changed between just before the event and convergence (or the window's end).
    public var moved: Int
    /// Who owned what just before the event, "c01:0+3 c02:1+4" (`GroupOwnership.describe`).
    public var assignmentBefore: String
    /// Who owned what at convergence, or at the window's end when the group did not converge; same format.
    public var assignmentAfter: String
    /// End-to-end latency (intended send time to first processing) of the events produced in the window, however
    /// late they were consumed: a fault's outage lands in its own row, not in the row of the event after it.
    /// Events CSV column `latency_p50_ms`, 1 decimal (empty when absent or not finite).
    public var latencyP50Ms: Double
    /// p99 and maximum of the same latencies, ms; all three are 0 when nothing produced in the window was processed.
    /// Events CSV column `latency_p99_ms`, 1 decimal (empty when absent or not finite).
    public var latencyP99Ms: Double
    /// Events CSV column `latency_max_ms`, 1 decimal (empty when absent or not finite).
    public var latencyMaxMs: Double
    /// Messages processed again within the window.
    public var duplicates: Int
    /// Messages never processed whose (estimated) production time falls in the window, and their offsets.
    public var lost: Int
    /// The lost offsets as "partition:first–last" ranges, space-separated.
    public var lostRanges: String

    /// What a broker fault did ("b2 down; it leads partitions 1 4"); "" for consumer events.
    public var detail = ""
    /// The partitions that stalled in the window, ascending, space-separated.
    public var stalledPartitionList = ""
    /// The group's lag (messages produced, by their intended send time, and not yet processed; 100 ms points)
    /// at the event: its highest value in the second before it.
    /// Events CSV column `lag_before_msgs`.
    public var lagBeforeMessages = 0
    /// The highest group lag in the window and how long after the event it came.
    /// Events CSV column `lag_peak_msgs`.
    public var lagPeakMessages = 0
    /// Events CSV column `lag_peak_after_ms`, 0 decimals (empty when absent or not finite).
    public var lagPeakAfterMs: Double?
    /// Event → the group's lag back at or below its steady level (`RebalanceAnalysis.steadyLagMessages`) after its
    /// peak in the window (0 when it never rose above it); nil when that did not happen within the window.
    /// Events CSV column `recovery_ms`, 0 decimals (empty when absent or not finite).
    public var recoveryMs: Double?
    /// Messages processed (first time) in the window after a later event of the same user had already been
    /// processed: per-key order broken.
    public var orderViolations = 0
    /// Events found at a second offset of their partition (processed in the window): written twice by the producer.
    public var writtenTwice = 0
    /// The live producer (idempotent), for the messages it enqueued in the window: failed deliveries, request
    /// retries (librdkafka statistics `txretries`, 250 ms resolution; nil without statistics; in 2.0.2 a message
    /// set sent again after an error response is re-queued, not a request retry, so it is not counted), and produce
    /// latency from delivery reports (enqueue to acknowledgement, retries included).
    public var produceErrors = 0
    /// Request retries between the event and the window's end (difference of the cumulative `txretries`); nil
    /// when the producer delivered no statistics.
    /// Events CSV column `produce_retries`, empty when nil.
    public var produceRetries: Int?
    /// Produce latency percentiles of the window's successful deliveries, ms (0 when there were none).
    /// Events CSV column `produce_p50_ms`, 1 decimal (empty when absent or not finite).
    public var produceP50Ms = 0.0
    /// Events CSV column `produce_p99_ms`, 1 decimal (empty when absent or not finite).
    public var produceP99Ms = 0.0
    /// Events CSV column `produce_max_ms`, 1 decimal (empty when absent or not finite).
    public var produceMaxMs = 0.0
    /// The `--on-event` command run at the event, its exit status and output.
    public var command = ""
    /// The command's exit status; nil when there was no command, it could not start, or it had not ended by the end
    /// of the run.
    /// Events CSV column `command_exit`, empty when nil.
    public var commandExit: Int32?
    /// The command's stdout and stderr, shortened, with secrets masked.
    public var commandOutput = ""

    /// A `rolling-restart` consumer's turn: "k/N" (its window runs from its stop to the next consumer's stop, the
    /// last one's to the end of the deploy's window); "" for every whole event, the deploy's included.
    public var part = ""
    /// A turn: its stop → the restarted consumer had rejoined (`RollingRestart.hasRejoined`); nil when it had not
    /// within the bound, and for every other row.
    /// Events CSV column `rejoin_ms`, 0 decimals (empty when absent or not finite).
    public var rejoinMs: Double?

    /// Whether the group converged within the window. An event that follows one that did not converge is marked
    /// `previousRebalanceRunning` (so is one at which another member was not "steady"); a `rolling-restart`'s turns
    /// chain the same way among themselves.
    /// Events CSV column `converged`, "yes" or "no".
    public var converged: Bool { convergenceMs != nil }
}
