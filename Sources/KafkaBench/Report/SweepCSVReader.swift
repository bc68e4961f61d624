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
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw UsageError("cannot read sweep CSV \(path): \(error.localizedDescription)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw UsageError("\(path) is not UTF-8 text, so it is not a kbench sweep CSV")
        }
        return try parse(text, source: path)
    }

    /// Parses CSV text; `source` names the file in error messages.
    public static func parse(_ text: String, source: String) throws(UsageError) -> [TrialRow] {
        let records = logicalRecords(text)
        guard let first = records.first, !(records.count == 1 && first.text.trimmingWhitespace().isEmpty) else {
            throw UsageError("\(source) is empty: a sweep CSV starts with '\(TrialRow.schemaLine)'")
        }
        let schema = try checkSchemaLine(first.text, source: source)
        guard records.count > 1, !records[1].text.trimmingWhitespace().isEmpty else {
            throw UsageError("\(source) line 2: missing the header line (the column names \(TrialRow.columns.first!),\(TrialRow.columns[1]),…)")
        }
        let header = try columnIndex(records[1], schema: schema, source: source)
        var rows: [TrialRow] = []
        for record in records.dropFirst(2) where !record.text.trimmingWhitespace().isEmpty {
            /// The row's cells, untrimmed, as `CSV.split` returned them.
            let cells: [String]
            do { cells = try CSV.split(Substring(record.text)) } catch {
                throw UsageError("\(source) line \(record.line): \(error.message)")
            }
            guard cells.count == header.count else {
                throw UsageError("\(source) line \(record.line): \(cells.count) cells, but the header (line 2) has \(header.count) columns")
            }
            rows.append(try RowCells(cells: cells, index: header.index, source: source, line: record.line).trialRow())
        }
        return rows
    }

    /// A CSV record with the 1-based line it starts on; quoted cells may span lines.
    /// `line` is where the record starts, so an error in a row with a multi-line quoted cell points at the row.
    struct Record {
        var line: Int
        /// The record's text, its lines joined by "\n" (a trailing "\r" of each removed).
        var text: String
    }

    /// Splits `text` into CSV records: a record goes on past a line end while its count of double quotes is odd (an open
    /// quoted cell). Trailing empty records are dropped; an unterminated quote makes the rest one record.
    static func logicalRecords(_ text: String) -> [Record] {
        var records: [Record] = []
        var pending: Record? = nil
        var quotes = 0
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : String(raw)
            if var p = pending {
                p.text += "\n" + line
                pending = p
            } else {
                pending = Record(line: i + 1, text: line)
            }
            quotes += line.reduce(0) { $0 + ($1 == "\"" ? 1 : 0) }
            if quotes % 2 == 0, let p = pending {
                records.append(p)
                pending = nil
                quotes = 0
            }
        }
        if let p = pending { records.append(p) }
        while records.count > 1, let last = records.last, last.text.isEmpty { records.removeLast() }
        return records
    }

    /// The file's schema version, if this kbench reads it.
    private static func checkSchemaLine(_ line: String, source: String) throws(UsageError) -> Int {
        let found = line.trimmingWhitespace()
        let prefix = "# kbench sweep schema "
        if found.hasPrefix(prefix) {
            let version = found.dropFirst(prefix.count)
            if let v = Int(version), (1...TrialRow.schemaVersion).contains(v) { return v }
            throw UsageError(
                "\(source) line 1: sweep schema \(version), but this kbench reads schemas 1 to \(TrialRow.schemaVersion); use the kbench version that wrote it")
        }
        throw UsageError("\(source) line 1: expected '\(TrialRow.schemaLine)', found '\(found.prefix(60))': is this a kbench sweep CSV?")
    }

    /// Maps each header name to its cell index (a renamed column also under its new name) and checks that every column
    /// of `schema` is present; extra columns are allowed. Returns the index and the header's cell count, which every row
    /// must match.
    private static func columnIndex(_ record: Record, schema: Int, source: String) throws(UsageError) -> (index: [String: Int], count: Int) {
        let names: [String]
        do { names = try CSV.split(Substring(record.text)).map { $0.trimmingWhitespace() } } catch {
            throw UsageError("\(source) line \(record.line): \(error.message)")
        }
        var index: [String: Int] = [:]
        for (i, name) in names.enumerated() {
            if index[name] != nil {
                throw UsageError("\(source) line \(record.line), column \(i + 1): column '\(name)' appears twice in the header")
            }
            index[name] = i
        }
        // A renamed column is read under its old name.
        for (name, former) in TrialRow.formerNames where index[name] == nil {
            if let i = index[former] { index[name] = i }
        }
        let expected = TrialRow.columns(schema: schema)
        let missing = expected.filter { index[$0] == nil }
        if missing.count > 5 {
            throw UsageError(
                "\(source) line \(record.line): missing \(missing.count) of the \(expected.count) columns (\(missing.prefix(3).joined(separator: ", ")), …): is this the header of a kbench sweep CSV?"
            )
        }
        if !missing.isEmpty {
            throw UsageError("\(source) line \(record.line): missing column\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", ")) in the header")
        }
        return (index, names.count)
    }
}

/// One data row's cells with typed, position-reporting accessors.
/// Made per data row by `parse`; every accessor names the file, line and column in its errors.
private struct RowCells {
    let cells: [String]
    /// Column name → cell index, from `columnIndex`.
    let index: [String: Int]
    /// The file and 1-based line the row starts on, for error messages.
    let source: String
    let line: Int

    /// An absent column (added after the file's schema) reads as an empty cell.
    private func cell(_ name: String) -> (text: String, column: Int) {
        guard let i = index[name] else { return ("", 0) }
        return (cells[i].trimmingWhitespace(), i + 1)
    }

    /// An error naming the file, line, 1-based column and column name.
    private func fail(_ name: String, _ column: Int, _ why: String) -> UsageError {
        UsageError("\(source) line \(line), column \(column) (\(name)): \(why)")
    }

    /// A text cell as written (untrimmed); "" for a column the file lacks.
    func string(_ name: String) -> String { index[name].map { cells[$0] } ?? "" }

    /// A whole-number cell, at least `minimum`; an empty cell is an error.
    func int(_ name: String, atLeast minimum: Int = 0) throws(UsageError) -> Int {
        let (text, column) = cell(name)
        guard let v = Int(text) else {
            throw fail(name, column, text.isEmpty ? "empty, expected a whole number" : "'\(text)' is not a whole number")
        }
        guard v >= minimum else { throw fail(name, column, "\(v) is below the minimum \(minimum)") }
        return v
    }

    /// An empty cell is a value the sweep could not compute (written as empty): NaN.
    func double(_ name: String, required: Bool = false) throws(UsageError) -> Double {
        let (text, column) = cell(name)
        if text.isEmpty {
            if required { throw fail(name, column, "empty, expected a number") }
            return .nan
        }
        guard let v = Double(text), v.isFinite, text.allSatisfy({ $0.isNumber || "+-.eE".contains($0) }) else {
            throw fail(name, column, "'\(text)' is not a number")
        }
        guard v >= 0 else { throw fail(name, column, "\(text) is negative") }
        return v
    }

    /// A cell that must be one of `accepted` exactly (after trimming).
    func oneOf(_ name: String, _ accepted: [String]) throws(UsageError) -> String {
        let (text, column) = cell(name)
        guard accepted.contains(text) else {
            throw fail(name, column, "'\(text)' is not one of \(accepted.joined(separator: ", "))")
        }
        return text
    }

    /// The row, every column checked; `msgs_per_s` is required only of ok rows (a failed trial may have none).
    func trialRow() throws(UsageError) -> TrialRow {
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
