import Foundation

/// Reads a sweep CSV (`TrialRow.schemaLine`, a header of `TrialRow.columns`, one row per trial) back into rows.
///
/// Files of older schemas (the published `Results/*.csv` are schema 1) still read: a column added since reads
/// as unknown (an empty cell), and a renamed column is found under its old name (`TrialRow.formerNames`).
///
/// Anything that is not a well-formed sweep CSV of this schema is rejected with a `UsageError` naming the file,
/// the line and the column, so a report is never drawn from garbage.
public enum SweepCSVReader {
    /// Reads and parses the CSV at `path`.
    public static func read(path: String) throws(UsageError) -> [TrialRow] {
        try rows(of: CSVTable.read(path: path, kind: "sweep", versions: 1...TrialRow.schemaVersion))
    }

    /// Parses CSV text; `source` names the file in error messages.
    public static func parse(_ text: String, source: String) throws(UsageError) -> [TrialRow] {
        try rows(of: CSVTable.parse(text, source: source, kind: "sweep", versions: 1...TrialRow.schemaVersion))
    }

    /// The trial rows of a table whose header holds every column of its schema (a renamed column is read under its
    /// old name).
    private static func rows(of read: CSVTable) throws(UsageError) -> [TrialRow] {
        let table = read.renaming(TrialRow.formerNames.map { ($0.key, $0.value) })
        try table.requireColumns(TrialRow.columns(schema: table.schema), kind: "sweep")
        var rows: [TrialRow] = []
        for row in table.rows { rows.append(try row.trialRow()) }
        return rows
    }
}

extension CSVTable.Row {
    /// The row as a sweep trial.
    fileprivate func trialRow() throws(UsageError) -> TrialRow {
        let status = TrialStatus(rawValue: try oneOf("status", TrialStatus.allCases.map(\.rawValue)))!
        return TrialRow(
            runId: string("run_id"), timestamp: string("timestamp"), broker: string("broker"),
            librdkafka: string("librdkafka"), topics: try int("topics", atLeast: 1),
            partitions: try int("partitions", atLeast: 1), consumers: try int("consumers", atLeast: 1),
            assignor: string("assignor"), work: string("work"), mode: try oneOf("mode", ["window", "drain"]),
            messages: try int("messages"), repeat: try int("repeat", atLeast: 1),
            activeConsumers: try int("active_consumers"), idleConsumers: try int("idle_consumers"),
            idleNames: string("idle_names"), minPartitionsPerConsumer: try int("min_partitions_per_consumer"),
            maxPartitionsPerConsumer: try int("max_partitions_per_consumer"), joinMs: try double("join_ms"),
            goSkewMs: try double("go_skew_ms"),
            teardownMs: try double("teardown_ms"), seconds: try double("seconds"),
            msgsPerS: try double("msgs_per_s", required: status == .ok), mbPerS: try double("mb_per_s"),
            consumerRateMin: try double("consumer_rate_min"), consumerRateMedian: try double("consumer_rate_median"),
            consumerRateMax: try double("consumer_rate_max"), r1: try double("r1"),
            modelWindow: try double("model_window"), modelDrain: try double("model_drain"),
            efficiency: try double("efficiency"), baseline: string("baseline"), consumed: try int("consumed"), duplicates: try int("duplicates"),
            lost: try int("lost"), workerCpuS: try double("worker_cpu_s"), hostCpuPct: try double("host_cpu_pct"), hostStealPct: try double("host_steal_pct"),
            maxWorkerRssMib: try double("max_worker_rss_mib"), status: status, reason: string("reason"))
    }
}
