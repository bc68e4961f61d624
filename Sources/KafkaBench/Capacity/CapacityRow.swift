import Foundation

/// One capacity trial as a CSV row (`# kbench capacity schema 1`); the columns are documented in docs/capacity.md.
public struct CapacityRow: Sendable {
    public var runId = ""
    public var timestamp = ""
    public var broker = ""
    public var partitions = 0
    public var consumers = 0
    public var assignor = ""
    public var work = ""
    public var producers = 1
    /// `fixed`, or the search's role (bracket, bisect, confirm-low, confirm-high).
    public var search = "fixed"
    /// 1-based trial number within the consumer count (search steps).
    public var step = 1
    public var durationS = 0.0
    public var warmupS = 0.0
    public var targetRate = 0.0
    /// Events delivered per second over the run, all producers together.
    public var achievedRate = 0.0
    /// Events consumed per second after the warm-up.
    public var consumedRate = 0.0
    public var r1 = Double.nan
    /// r1 · min(C, P): the model when consumers share partitions evenly.
    public var modelEven = Double.nan
    /// r1 · P / (most partitions one consumer held): the model for this trial's real assignment, when each
    /// partition carries 1/P of the traffic.
    public var modelAssignment = Double.nan
    public var maxPartitionsPerConsumer = 0
    public var lagGrowth = 0.0
    public var worstPartition = -1
    public var worstPartitionGrowth = 0.0
    public var lagMessagesEnd = 0
    public var lagMessagesMax = 0
    public var lagSecondsP50 = 0.0
    public var lagSecondsP99 = 0.0
    public var lagSecondsMax = 0.0
    public var maxLagS = 0.0
    public var crossesBoundAt: Double?
    public var crossingProjected = false
    public var latencyP50Ms = Double.nan
    public var latencyP99Ms = Double.nan
    public var latencyMaxMs = Double.nan
    public var producerMaxLateMs = 0.0
    public var producerLateEvents = 0
    public var deliveryFailures = 0
    public var joinMs = 0.0
    public var lost = 0
    public var duplicates = 0
    public var verdict: CapacityVerdict.Kind = .failed
    public var reason = ""

    public init() {}

    public static let schemaLine = "# kbench capacity schema 1"
    public static let columns = [
        "run_id", "timestamp", "broker", "partitions", "consumers", "assignor", "work", "producers", "search", "step",
        "duration_s", "warmup_s", "target_rate", "achieved_rate", "consumed_rate", "r1", "model_even", "model_assignment",
        "max_partitions_per_consumer", "lag_growth_msgs_per_s", "worst_partition", "worst_partition_growth_msgs_per_s",
        "lag_msgs_end", "lag_msgs_max", "lag_s_p50", "lag_s_p99", "lag_s_max", "max_lag_s", "crosses_bound_at_s",
        "crossing", "latency_p50_ms", "latency_p99_ms", "latency_max_ms", "producer_max_late_ms", "producer_late_events",
        "delivery_failures", "join_ms", "lost", "duplicates", "verdict", "reason",
    ]

    public var cells: [String] {
        func f(_ v: Double, _ digits: Int = 1) -> String { CSV.fixed(v, digits) }
        return [
            runId, timestamp, broker, String(partitions), String(consumers), assignor, work, String(producers), search, String(step),
            f(durationS), f(warmupS), f(targetRate, 0), f(achievedRate), f(consumedRate), f(r1), f(modelEven, 0), f(modelAssignment, 0),
            String(maxPartitionsPerConsumer), f(lagGrowth), String(worstPartition), f(worstPartitionGrowth),
            String(lagMessagesEnd), String(lagMessagesMax), f(lagSecondsP50, 3), f(lagSecondsP99, 3), f(lagSecondsMax, 3), f(maxLagS, 3),
            crossesBoundAt.map { f($0) } ?? "", crossesBoundAt == nil ? "" : (crossingProjected ? "projected" : "observed"),
            f(latencyP50Ms), f(latencyP99Ms), f(latencyMaxMs), f(producerMaxLateMs), String(producerLateEvents),
            String(deliveryFailures), f(joinMs, 0), String(lost), String(duplicates), verdict.rawValue, reason,
        ].map(CSV.quote)
    }

    /// Reads the rows of a capacity CSV strictly (`CSVTable`): a malformed cell is refused with its line and column.
    public static func read(csvPath: String) throws(UsageError) -> [CapacityRow] {
        let table = try CSVTable.read(path: csvPath, kind: "capacity", versions: 1...1)
        try table.requireColumns(columns, kind: "capacity")
        var rows: [CapacityRow] = []
        for d in table.rows {
            var r = CapacityRow()
            r.runId = d.string("run_id"); r.timestamp = d.string("timestamp"); r.broker = d.string("broker")
            r.partitions = try d.int("partitions", atLeast: 1); r.consumers = try d.int("consumers", atLeast: 1)
            r.assignor = d.string("assignor"); r.work = d.string("work"); r.producers = try d.int("producers", atLeast: 1)
            r.search = d.string("search"); r.step = try d.int("step", atLeast: 1)
            r.durationS = try d.double("duration_s"); r.warmupS = try d.double("warmup_s"); r.targetRate = try d.double("target_rate")
            r.achievedRate = try d.double("achieved_rate"); r.consumedRate = try d.double("consumed_rate"); r.r1 = try d.double("r1")
            r.modelEven = try d.double("model_even"); r.modelAssignment = try d.double("model_assignment")
            r.maxPartitionsPerConsumer = try d.int("max_partitions_per_consumer")
            r.lagGrowth = try d.double("lag_growth_msgs_per_s", signed: true); r.worstPartition = try d.int("worst_partition", atLeast: -1)
            r.worstPartitionGrowth = try d.double("worst_partition_growth_msgs_per_s", signed: true)
            r.lagMessagesEnd = try d.int("lag_msgs_end", atLeast: Int.min); r.lagMessagesMax = try d.int("lag_msgs_max", atLeast: Int.min)
            r.lagSecondsP50 = try d.double("lag_s_p50", signed: true); r.lagSecondsP99 = try d.double("lag_s_p99", signed: true)
            r.lagSecondsMax = try d.double("lag_s_max", signed: true); r.maxLagS = try d.double("max_lag_s")
            let crosses = try d.double("crosses_bound_at_s", signed: true)
            r.crossesBoundAt = crosses.isNaN ? nil : crosses
            r.crossingProjected = try d.oneOf("crossing", ["", "projected", "observed"]) == "projected"
            r.latencyP50Ms = try d.double("latency_p50_ms"); r.latencyP99Ms = try d.double("latency_p99_ms"); r.latencyMaxMs = try d.double("latency_max_ms")
            r.producerMaxLateMs = try d.double("producer_max_late_ms", signed: true); r.producerLateEvents = try d.int("producer_late_events")
            r.deliveryFailures = try d.int("delivery_failures"); r.joinMs = try d.double("join_ms")
            r.lost = try d.int("lost"); r.duplicates = try d.int("duplicates")
            r.verdict = CapacityVerdict.Kind(rawValue: try d.oneOf("verdict", CapacityVerdict.Kind.allCases.map(\.rawValue)))!
            r.reason = d.string("reason")
            rows.append(r)
        }
        return rows
    }
}
