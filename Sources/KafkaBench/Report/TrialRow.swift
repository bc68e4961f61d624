/// Whether a trial counts: `failed` rows carry the reason and are left out of every series and headline.
/// The raw value is the CSV's `status` cell.
public enum TrialStatus: String, Sendable, Equatable, CaseIterable {
    case ok, failed
}

/// One row of a sweep CSV: one trial (a partitions × consumers × assignor × repeat point).
///
/// The CSV's first line is `# kbench sweep schema N`, its second the header of `TrialRow.columns`.
/// Every column is documented in docs/sweep.md ("Sweep CSV columns").
/// Written by the sweep runner as each trial ends and read back by `SweepCSVReader`; every report works from rows.
public struct TrialRow: Sendable, Equatable {
    /// The schema this version writes; the reader accepts 1 through this, filling columns added since as unknown.
    /// Raise it whenever a column is added or renamed (and record it in `addedInSchema` or `formerNames`).
    public static let schemaVersion = 3
    /// The file's first line; a file without it is not read as a sweep CSV.
    public static let schemaLine = "# kbench sweep schema \(schemaVersion)"

    /// The sweep's identifier, shared by every row it wrote.
    public var runId: String
    /// UTC ISO-8601 time the trial finished.
    public var timestamp: String
    /// "embedded" or the bootstrap servers.
    public var broker: String
    /// The librdkafka version the workers ran (the agents' expected version, else the runner's own).
    public var librdkafka: String
    /// Topics the group subscribes to (T).
    public var topics: Int
    /// Partitions per topic (P).
    public var partitions: Int
    /// Consumer processes in the group (C).
    public var consumers: Int
    /// The assignor's label: a classic assignor, or the consumer protocol's (`Assignor.rawValue`).
    public var assignor: String
    /// The per-message work model, as given (`WorkModel`).
    public var work: String
    /// "window" or "drain".
    public var mode: String
    /// Messages per topic in the backlog.
    public var messages: Int
    /// 1-based repeat index.
    public var `repeat`: Int
    /// Consumers that got at least one partition at the barrier.
    public var activeConsumers: Int
    /// Consumers that got none (C − active).
    public var idleConsumers: Int
    /// Names of the idle consumers, space-separated (e.g. "c11 c12").
    public var idleNames: String
    /// Assignment balance at the barrier: fewest and most partitions one consumer held.
    public var minPartitionsPerConsumer: Int
    public var maxPartitionsPerConsumer: Int
    /// From spawning the first worker to the stable-group barrier.
    /// Column `join_ms`, rounded to a whole number (empty when unknown).
    public var joinMs: Double
    /// Spread of the workers' "go" times, ms (NaN: unknown, e.g. schema 1 files or a trial that never started).
    /// Column `go_skew_ms`, rounded to 1 decimal (empty when unknown).
    public var goSkewMs: Double = .nan
    /// From the end of measurement to the last worker's exit.
    /// Column `teardown_ms`, rounded to a whole number (empty when unknown).
    public var teardownMs: Double
    /// Measured seconds: the window (window mode) or the makespan (drain mode).
    /// Column `seconds`, rounded to 3 decimals (empty when unknown).
    public var seconds: Double
    /// Aggregate throughput, messages per second over `seconds`.
    /// Column `msgs_per_s`, rounded to 1 decimal (empty when unknown).
    public var msgsPerS: Double
    /// Aggregate throughput in MB/s, MB = 10^6 bytes of key + value.
    /// Column `mb_per_s`, rounded to 3 decimals (empty when unknown).
    public var mbPerS: Double
    /// Per active consumer events/s: min, median, max.
    /// Column `consumer_rate_min`, rounded to 1 decimal (empty when unknown).
    public var consumerRateMin: Double
    /// Column `consumer_rate_median`, rounded to 1 decimal (empty when unknown).
    public var consumerRateMedian: Double
    /// Column `consumer_rate_max`, rounded to 1 decimal (empty when unknown).
    public var consumerRateMax: Double
    /// The single-consumer rate the model scales (events/s).
    /// Column `r1`, rounded to 1 decimal (empty when unknown).
    public var r1: Double
    /// r1 × min(C, P·T)
    /// Column `model_window`, rounded to 1 decimal (empty when unknown).
    public var modelWindow: Double
    /// r1 × the total backlog ÷ the largest backlog any consumer held (the trial's real assignment and partition sizes);
    /// r1 × P·T / ceil(P·T / C) for equal partitions split evenly, and when the trial never reached an assignment.
    /// Column `model_drain`, rounded to 1 decimal (empty when unknown).
    public var modelDrain: Double
    /// measured / model of this row's mode
    /// Column `efficiency`, rounded to 4 decimals (empty when unknown).
    public var efficiency: Double
    /// Which trials the model is scaled from: `self` (this ok trial is a baseline), `C=k`, or `none: …` with
    /// why no baseline succeeded (the model columns are then empty). Empty in schema 1 files.
    public var baseline: String = ""
    /// Messages consumed in the trial (whole trial, including warm-up).
    public var consumed: Int
    /// Offsets processed twice.
    public var duplicates: Int
    /// Offsets skipped, or (drain mode) never reached.
    public var lost: Int
    /// Sum of worker CPU seconds (user + system).
    /// Column `worker_cpu_s`, rounded to 3 decimals (empty when unknown).
    public var workerCpuS: Double
    /// The host's CPU use while measuring (every process), percent of all cores; NaN when unknown. At or above
    /// `HostCPU.hostBoundPercent` the trial is host-bound.
    /// Column `host_cpu_pct`, rounded to 1 decimal (empty when unknown).
    public var hostCpuPct: Double = .nan
    /// The share of all cores the hypervisor ran something else while measuring (steal time), percent; NaN when
    /// unknown (and in files before schema 3). At or above `HostCPU.stolenPercent` the trial measured the host's
    /// neighbours.
    /// Column `host_steal_pct`, rounded to 1 decimal (empty when unknown).
    public var hostStealPct: Double = .nan
    /// Largest peak RSS (VmHWM) of any worker, MiB (2^20 bytes); NaN when unknown.
    /// Column `max_worker_rss_mib`, rounded to 1 decimal (empty when unknown).
    public var maxWorkerRssMib: Double
    public var status: TrialStatus
    /// Why a trial failed (empty when ok).
    public var reason: String

    /// The header in today's schema, in `cells` order.
    public static let columns = [
        "run_id", "timestamp", "broker", "librdkafka", "topics", "partitions", "consumers", "assignor", "work", "mode",
        "messages", "repeat", "active_consumers", "idle_consumers", "idle_names", "min_partitions_per_consumer",
        "max_partitions_per_consumer", "join_ms", "go_skew_ms", "teardown_ms", "seconds", "msgs_per_s", "mb_per_s",
        "consumer_rate_min", "consumer_rate_median", "consumer_rate_max", "r1", "model_window", "model_drain",
        "efficiency", "baseline", "consumed", "duplicates", "lost", "worker_cpu_s", "host_cpu_pct", "host_steal_pct", "max_worker_rss_mib", "status", "reason",
    ]

    /// The columns of a file of schema `schema` (1…`schemaVersion`): today's columns less those added since.
    public static func columns(schema: Int) -> [String] {
        columns.filter { (addedInSchema[$0] ?? 1) <= schema }
    }

    /// Columns added after schema 1, with the schema that added them.
    public static let addedInSchema: [String: Int] = ["go_skew_ms": 2, "host_cpu_pct": 2, "baseline": 2, "host_steal_pct": 3]

    /// Renamed columns: today's name → the name older files use.
    public static let formerNames: [String: String] = ["max_worker_rss_mib": "max_worker_rss_mb"]

    /// Every column; `goSkewMs`, `baseline`, `hostCpuPct` and `hostStealPct` default to unknown, as a schema 1 file
    /// leaves them.
    public init(
        runId: String, timestamp: String, broker: String, librdkafka: String, topics: Int, partitions: Int,
        consumers: Int, assignor: String, work: String, mode: String, messages: Int, repeat: Int,
        activeConsumers: Int, idleConsumers: Int, idleNames: String, minPartitionsPerConsumer: Int,
        maxPartitionsPerConsumer: Int, joinMs: Double, goSkewMs: Double = .nan, teardownMs: Double, seconds: Double, msgsPerS: Double,
        mbPerS: Double, consumerRateMin: Double, consumerRateMedian: Double, consumerRateMax: Double,
        r1: Double, modelWindow: Double, modelDrain: Double, efficiency: Double, baseline: String = "", consumed: Int,
        duplicates: Int, lost: Int, workerCpuS: Double, hostCpuPct: Double = .nan, hostStealPct: Double = .nan, maxWorkerRssMib: Double, status: TrialStatus,
        reason: String
    ) {
        self.runId = runId; self.timestamp = timestamp; self.broker = broker; self.librdkafka = librdkafka
        self.topics = topics; self.partitions = partitions; self.consumers = consumers; self.assignor = assignor
        self.work = work; self.mode = mode; self.messages = messages; self.repeat = `repeat`
        self.activeConsumers = activeConsumers; self.idleConsumers = idleConsumers; self.idleNames = idleNames
        self.minPartitionsPerConsumer = minPartitionsPerConsumer; self.maxPartitionsPerConsumer = maxPartitionsPerConsumer
        self.joinMs = joinMs; self.goSkewMs = goSkewMs; self.teardownMs = teardownMs; self.seconds = seconds; self.msgsPerS = msgsPerS
        self.mbPerS = mbPerS; self.consumerRateMin = consumerRateMin; self.consumerRateMedian = consumerRateMedian
        self.consumerRateMax = consumerRateMax; self.r1 = r1; self.modelWindow = modelWindow; self.modelDrain = modelDrain
        self.efficiency = efficiency; self.baseline = baseline; self.consumed = consumed; self.duplicates = duplicates; self.lost = lost
        self.workerCpuS = workerCpuS; self.hostCpuPct = hostCpuPct; self.hostStealPct = hostStealPct; self.maxWorkerRssMib = maxWorkerRssMib;
        self.status = status; self.reason = reason
    }

    /// The row's fields as CSV cells, in `columns` order.
    public var cells: [String] {
        [
            runId, timestamp, broker, librdkafka, String(topics), String(partitions), String(consumers), assignor, work, mode,
            String(messages), String(`repeat`), String(activeConsumers), String(idleConsumers), idleNames,
            String(minPartitionsPerConsumer), String(maxPartitionsPerConsumer), CSV.rounded(joinMs, 0), CSV.rounded(goSkewMs, 1), CSV.rounded(teardownMs, 0),
            CSV.rounded(seconds, 3), CSV.rounded(msgsPerS, 1), CSV.rounded(mbPerS, 3), CSV.rounded(consumerRateMin, 1), CSV.rounded(consumerRateMedian, 1),
            CSV.rounded(consumerRateMax, 1), CSV.rounded(r1, 1), CSV.rounded(modelWindow, 1), CSV.rounded(modelDrain, 1), CSV.rounded(efficiency, 4), baseline,
            String(consumed), String(duplicates), String(lost), CSV.rounded(workerCpuS, 3), CSV.rounded(hostCpuPct, 1), CSV.rounded(hostStealPct, 1),
            CSV.rounded(maxWorkerRssMib, 1),
            status.rawValue, reason,
        ]
    }

    /// One CSV line (RFC 4180 quoting where needed), without the newline.
    public var csvLine: String { cells.map(CSV.quote).joined(separator: ",") }
}

/// Minimal RFC 4180 CSV helpers.
/// Shared by every CSV kbench writes and reads (sweep, capacity, rebalance).
public enum CSV {
    /// A number rounded to `digits` decimals in its shortest form (`12.5`, `3.0`, `7`): the sweep CSV's format
    /// since schema 1, kept so that its files stay byte-comparable. Empty for a value that could not be measured.
    public static func rounded(_ v: Double, _ digits: Int) -> String {
        guard v.isFinite else { return "" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let r = (v * scale).rounded() / scale
        if digits == 0 { return String(Int(r)) }
        return String(r)
    }

    /// A number with exactly `digits` decimals (`12.50`): the capacity and rebalance CSVs' format. Empty for a
    /// value that could not be measured (nil or not finite).
    public static func fixed(_ v: Double?, _ digits: Int = 1) -> String {
        guard let v, v.isFinite else { return "" }
        return String(format: "%.\(digits)f", v)
    }

    /// A cell as written: in double quotes, inner quotes doubled, when it holds a comma, a quote or a newline.
    public static func quote(_ cell: String) -> String {
        if cell.contains(",") || cell.contains("\"") || cell.contains("\n") {
            return "\"" + cell.replacing("\"", with: "\"\"") + "\""
        }
        return cell
    }

    /// Splits one CSV line into cells (quoted cells may contain commas and doubled quotes).
    public static func split(_ line: Substring) throws(UsageError) -> [String] {
        var cells: [String] = []
        var cell = ""
        var inQuotes = false
        var chars = line.makeIterator()
        var pending: Character? = nil
        while let c = pending ?? chars.next() {
            pending = nil
            if inQuotes {
                if c == "\"" {
                    if let n = chars.next() {
                        if n == "\"" { cell.append("\"") } else { inQuotes = false; pending = n }
                    } else {
                        inQuotes = false
                    }
                } else {
                    cell.append(c)
                }
            } else if c == "\"" && cell.isEmpty {
                inQuotes = true
            } else if c == "," {
                cells.append(cell); cell = ""
            } else {
                cell.append(c)
            }
        }
        if inQuotes { throw UsageError("unterminated quoted cell") }
        cells.append(cell)
        return cells
    }
}
