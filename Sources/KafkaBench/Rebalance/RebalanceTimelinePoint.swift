/// One point of the timeline (one `bucketMs` interval, 100 ms by default), per consumer and for the whole group
/// (`consumer == "group"`). `RebalanceAnalysis.timeline` holds every group row first, one per interval, then the
/// consumer rows, so a plot that filters the group rows draws connected lines.
public struct RebalanceTimelinePoint: Sendable, Equatable {
    /// The interval's start, seconds after the start of traffic.
    /// Timeline CSV column `t_s`, 2 decimals (empty when absent or not finite).
    public var tSeconds: Double
    /// The consumer's name ("c01"), or "group" for the row that sums every consumer.
    public var consumer: String
    /// Messages processed in the interval (duplicates included), scaled to messages per second.
    /// Timeline CSV column `msgs_per_s`, 0 decimals (empty when absent or not finite).
    public var msgsPerS: Double
    /// Partitions owned at the interval's end: by this consumer, or (group rows) with at least one live owner.
    public var assigned: Int
    /// Group rows only: p99 end-to-end latency of the messages processed in the interval (0 when none).
    /// Timeline CSV column `latency_p99_ms`, 2 decimals (empty when absent or not finite).
    public var latencyP99Ms: Double
    /// Group rows only: messages produced (by intended send time) and not yet processed at the interval's end.
    /// Only messages processed at some point count, so a never-processed (lost or undrained) one never adds to it.
    /// Timeline CSV column `lag`, empty on consumer rows.
    public var lag = 0
}
