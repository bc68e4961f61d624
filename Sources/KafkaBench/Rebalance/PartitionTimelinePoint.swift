/// One 100 ms point of one partition: what was produced and consumed, who owned it, its lag and whether it
/// stalled — enough to recompute every per-partition figure of the events. The interval is `bucketMs` of
/// `RebalanceAnalysis.analyze` (100 ms by default); `RebalanceAnalysis.partitionTimeline` is partition-major.
public struct PartitionTimelinePoint: Sendable, Equatable {
    /// The interval's start, seconds after the start of traffic.
    /// Partitions CSV column `t_s`, 2 decimals (empty when absent or not finite).
    public var tSeconds: Double
    public var partition: Int32
    /// The live owner at the end of the interval ("" when none; "c01+c02" when held twice).
    public var owner: String
    /// Messages whose intended send time falls in the interval. Counted from their first processing, so a message
    /// never processed (lost or undrained) is missing here.
    public var produced: Int
    /// Messages of the run processed for the first time in the interval (duplicates are not counted).
    public var consumed: Int
    /// Messages produced and not yet consumed at the end of the interval: the running sum of produced − consumed.
    public var lag: Int
    /// Milliseconds of the interval the partition spent stalled.
    /// Partitions CSV column `stalled_ms`, 0 decimals (empty when absent or not finite).
    public var stalledMs: Double
}
