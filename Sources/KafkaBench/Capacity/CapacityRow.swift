import Foundation

/// One capacity trial as a CSV row (`# kbench capacity schema 1`); the columns are documented in docs/capacity.md.
/// Filled in by the capacity runner trial by trial (one row per trial, search steps included) and read back by
/// `read(csvPath:)` for `kbench report`.
public struct CapacityRow: Sendable {
    /// The run's identifier, shared by every trial of one `kbench capacity` invocation (as in the sweep CSV).
    public var runId = ""
    /// When the trial ran, UTC (`RunMetadata.utcTimestamp()`).
    public var timestamp = ""
    /// The broker the trial ran against ("embedded", or the bootstrap of a real cluster), as in the sweep CSV.
    public var broker = ""
    /// Partitions of the trial's topic (P).
    public var partitions = 0
    /// Consumers in the group (C): the count this row gives a verdict for.
    public var consumers = 0
    /// The partition assignor's name (`Assignor.rawValue`).
    public var assignor = ""
    /// The per-message work model as given on the command line (`WorkModel`).
    public var work = ""
    /// Percent of the host's cores busy while the traffic ran (every process, kbench's and others'); NaN when not
    /// recorded (schema 1). Column `host_cpu_pct`, 1 decimal.
    public var hostCpuPct = Double.nan
    /// Percent of the host's CPU time the hypervisor gave to other machines while the traffic ran (steal): at
    /// `HostCPU.stolenPercent` or more the verdict measures the host, not the group. NaN when not recorded.
    /// Column `host_steal_pct`, 1 decimal.
    public var hostStealPct = Double.nan
    /// Whether the trial measured the host rather than the group (its CPU saturated or stolen).
    public var measuresHost: Bool { HostCPU.measuresHost(cpuPct: hostCpuPct, stealPct: hostStealPct) }
    /// Producer processes sharing the schedule (`--producers`).
    public var producers = 1
    /// `fixed`, or the search's role (bracket, bisect, confirm-low, confirm-high).
    public var search = "fixed"
    /// 1-based trial number within the consumer count (search steps).
    public var step = 1
    /// The traffic's length, seconds.
    /// Column `duration_s`, written with 1 decimal (empty when unknown).
    public var durationS = 0.0
    /// Seconds at the start left out of the lag and latency percentiles.
    /// Column `warmup_s`, written with 1 decimal (empty when unknown).
    public var warmupS = 0.0
    /// Events per second scheduled, all producers together.
    /// Column `target_rate`, written with 0 decimals (empty when unknown).
    public var targetRate = 0.0
    /// Events delivered per second over the run, all producers together.
    /// Column `achieved_rate`, written with 1 decimal (empty when unknown).
    public var achievedRate = 0.0
    /// Events consumed per second after the warm-up.
    /// Column `consumed_rate`, written with 1 decimal (empty when unknown).
    public var consumedRate = 0.0
    /// One consumer's closed-loop rate, events/s (measured by a one-consumer window trial, or `--r1`); NaN when unknown.
    /// Column `r1`, written with 1 decimal (empty when unknown).
    public var r1 = Double.nan
    /// r1 · min(C, P): the model when consumers share partitions evenly.
    /// Column `model_even`, written with 0 decimals (empty when unknown).
    public var modelEven = Double.nan
    /// r1 · P / (most partitions one consumer held): the model for this trial's real assignment, when each
    /// partition carries 1/P of the traffic.
    /// Column `model_assignment`, written with 0 decimals (empty when unknown).
    public var modelAssignment = Double.nan
    /// Partitions held by the busiest consumer when traffic started ("go").
    public var maxPartitionsPerConsumer = 0
    /// Rise of the group's lag floor, messages per second, over the trial's second half; a group that sustains keeps it
    /// near 0.
    /// Column `lag_growth_msgs_per_s`, written with 1 decimal (empty when unknown).
    public var lagGrowth = 0.0
    /// The partition whose lag floor rose fastest (-1 when none was measured), and how fast (messages/s).
    public var worstPartition = -1
    /// Column `worst_partition_growth_msgs_per_s`, written with 1 decimal (empty when unknown).
    public var worstPartitionGrowth = 0.0
    /// Group lag in messages, summed over partitions, at the end of traffic and at its highest.
    /// Column `lag_msgs_end`.
    public var lagMessagesEnd = 0
    /// Column `lag_msgs_max`.
    public var lagMessagesMax = 0
    /// Lag in time (seconds) of the worst partition after the warm-up: p50, p99 and maximum.
    /// Column `lag_s_p50`, written with 3 decimals (empty when unknown).
    public var lagSecondsP50 = 0.0
    /// Column `lag_s_p99`, written with 3 decimals (empty when unknown).
    public var lagSecondsP99 = 0.0
    /// Column `lag_s_max`, written with 3 decimals (empty when unknown).
    public var lagSecondsMax = 0.0
    /// The bound the verdict judges against (`--max-lag`), seconds.
    /// Column `max_lag_s`, written with 3 decimals (empty when unknown).
    public var maxLagS = 0.0
    /// Seconds from the start when the lag in time exceeded the bound, or would at its growth; nil when neither.
    /// Column `crosses_bound_at_s`, written with 1 decimal (empty when nil).
    public var crossesBoundAt: Double?
    /// Whether `crossesBoundAt` is projected from the growth rather than observed; written as `crossing`
    /// (`projected` or `observed`, empty without a crossing).
    public var crossingProjected = false
    /// End-to-end latency (ms, from intended send time) of the events processed after the warm-up; NaN when none.
    /// Column `latency_p50_ms`, written with 1 decimal (empty when unknown).
    public var latencyP50Ms = Double.nan
    /// Column `latency_p99_ms`, written with 1 decimal (empty when unknown).
    public var latencyP99Ms = Double.nan
    /// Column `latency_max_ms`, written with 1 decimal (empty when unknown).
    public var latencyMaxMs = Double.nan
    /// The producers' worst lateness against the schedule (ms), and the events sent over 100 ms late; too many make the
    /// trial `invalid`.
    /// Column `producer_max_late_ms`, written with 1 decimal (empty when unknown).
    public var producerMaxLateMs = 0.0
    public var producerLateEvents = 0
    /// Failed deliveries of the producers; any one makes the trial `invalid`.
    public var deliveryFailures = 0
    /// Milliseconds from spawning the consumers to "go", when the group had passed the stable-group barrier.
    /// Column `join_ms`, written with 0 decimals (empty when unknown).
    public var joinMs = 0.0
    /// The audit: messages never processed and messages processed again; either fails the trial.
    public var lost = 0
    public var duplicates = 0
    /// `sustains`, `falls-behind`, `invalid` or `failed`; `failed` until the trial assigns one, and for an unknown word.
    public var verdict: CapacityVerdict.Kind = .failed
    /// Why the verdict, in one line for the report.
    public var reason = ""

    /// An empty row (every figure 0 or NaN) that the runner, or `read(csvPath:)`, fills in field by field.
    public init() {}

    /// The CSV's first line; a file without it is refused, so a change of columns must change the schema number.
    /// The newest schema: 2 added `host_cpu_pct` and `host_steal_pct`; schema 1 files still read.
    public static let schemaVersion = 2
    public static let schemaLine = "# kbench capacity schema \(schemaVersion)"
    /// The first line's start in every schema (what tells a capacity CSV from another).
    public static let schemaPrefix = "# kbench capacity schema "
    /// The header, in the order of `cells`.
    public static let columns = [
        "run_id", "timestamp", "broker", "partitions", "consumers", "assignor", "work", "producers", "search", "step",
        "duration_s", "warmup_s", "target_rate", "achieved_rate", "consumed_rate", "r1", "model_even", "model_assignment",
        "max_partitions_per_consumer", "lag_growth_msgs_per_s", "worst_partition", "worst_partition_growth_msgs_per_s",
        "lag_msgs_end", "lag_msgs_max", "lag_s_p50", "lag_s_p99", "lag_s_max", "max_lag_s", "crosses_bound_at_s",
        "crossing", "latency_p50_ms", "latency_p99_ms", "latency_max_ms", "producer_max_late_ms", "producer_late_events",
        "delivery_failures", "join_ms", "lost", "duplicates", "verdict", "reason",
        // schema 2: the host while the traffic ran
        "host_cpu_pct", "host_steal_pct",
    ]

    /// The columns a file of `schema` holds.
    public static func columns(schema: Int) -> [String] { schema >= 2 ? columns : Array(columns.dropLast(2)) }

    /// The row's cells in `columns` order, CSV-quoted. Non-finite figures are written as empty cells; rates with no
    /// decimals, lag in time with three, the rest with one.
    public var cells: [String] {
        /// A number with `digits` decimals; "" for NaN or infinity (an unknown figure).
        func f(_ v: Double, _ digits: Int = 1) -> String { CSV.fixed(v, digits) }
        return [
            runId, timestamp, broker, String(partitions), String(consumers), assignor, work, String(producers), search, String(step),
            f(durationS), f(warmupS), f(targetRate, 0), f(achievedRate), f(consumedRate), f(r1), f(modelEven, 0), f(modelAssignment, 0),
            String(maxPartitionsPerConsumer), f(lagGrowth), String(worstPartition), f(worstPartitionGrowth),
            String(lagMessagesEnd), String(lagMessagesMax), f(lagSecondsP50, 3), f(lagSecondsP99, 3), f(lagSecondsMax, 3), f(maxLagS, 3),
            crossesBoundAt.map { f($0) } ?? "", crossesBoundAt == nil ? "" : (crossingProjected ? "projected" : "observed"),
            f(latencyP50Ms), f(latencyP99Ms), f(latencyMaxMs), f(producerMaxLateMs), String(producerLateEvents),
            String(deliveryFailures), f(joinMs, 0), String(lost), String(duplicates), verdict.rawValue, reason, f(hostCpuPct), f(hostStealPct),
        ].map(CSV.quote)
    }

    /// Reads the rows of a capacity CSV strictly (`CSVTable`): a malformed cell is refused with its line and column.
    public static func read(csvPath: String) throws(UsageError) -> [CapacityRow] {
        let table = try CSVTable.read(path: csvPath, kind: "capacity", versions: 1...schemaVersion)
        try table.requireColumns(columns(schema: table.schema), kind: "capacity")
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
            r.hostCpuPct = try d.double("host_cpu_pct"); r.hostStealPct = try d.double("host_steal_pct")
            rows.append(r)
        }
        return rows
    }
}
