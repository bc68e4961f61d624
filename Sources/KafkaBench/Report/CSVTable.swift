import Foundation

/// A kbench results CSV read strictly: its schema line (`# kbench <kind> schema N`), a header of column names and
/// data rows, each row read through typed accessors. Anything malformed is refused with a `UsageError` naming the
/// file, the line and the column, so that no report is drawn from a file that is not what it claims to be.
///
/// Quoted cells may hold commas, doubled quotes and newlines (RFC 4180, as `CSV.quote` writes them).
struct CSVTable {
    /// The file (or text source) errors name.
    let source: String
    /// The schema version on line 1.
    let schema: Int
    /// Column name → 0-based position, from the header on line 2.
    let index: [String: Int]
    /// The data rows in order, empty lines left out.
    let rows: [Row]

    /// One data row: its cells, the line it starts on, and typed accessors that name the line and column of a bad cell.
    struct Row {
        let cells: [String]
        let index: [String: Int]
        let source: String
        let line: Int

        /// The cell's text (trimmed) and 1-based column; an absent column (added after the file's schema) reads as
        /// an empty cell.
        private func cell(_ name: String) -> (text: String, column: Int) {
            guard let i = index[name] else { return ("", 0) }
            return (cells[i].trimmingWhitespace(), i + 1)
        }

        private func fail(_ name: String, _ column: Int, _ why: String) -> UsageError {
            UsageError("\(source) line \(line), column \(column) (\(name)): \(why)")
        }

        /// The cell as written (untrimmed), empty when the column is absent.
        func string(_ name: String) -> String { index[name].map { cells[$0] } ?? "" }

        /// A whole number of at least `minimum`; `empty` is what an empty cell reads as (nil: an empty cell is an error).
        func int(_ name: String, atLeast minimum: Int = 0, empty: Int? = nil) throws(UsageError) -> Int {
            let (text, column) = cell(name)
            if text.isEmpty, let empty { return empty }
            guard let v = Int(text) else {
                throw fail(name, column, text.isEmpty ? "empty, expected a whole number" : "'\(text)' is not a whole number")
            }
            guard v >= minimum else { throw fail(name, column, "\(v) is below the minimum \(minimum)") }
            return v
        }

        /// A number; an empty cell is a value the run could not compute (NaN) unless `required`. Negative numbers
        /// are refused unless `signed` (a lag's growth may be negative, a rate may not).
        func double(_ name: String, required: Bool = false, signed: Bool = false) throws(UsageError) -> Double {
            let (text, column) = cell(name)
            if text.isEmpty {
                if required { throw fail(name, column, "empty, expected a number") }
                return .nan
            }
            guard let v = Double(text), v.isFinite, text.allSatisfy({ $0.isNumber || "+-.eE".contains($0) }) else {
                throw fail(name, column, "'\(text)' is not a number")
            }
            guard signed || v >= 0 else { throw fail(name, column, "\(text) is negative") }
            return v
        }

        /// One of `accepted`, exactly.
        func oneOf(_ name: String, _ accepted: [String]) throws(UsageError) -> String {
            let (text, column) = cell(name)
            guard accepted.contains(text) else {
                throw fail(name, column, "'\(text)' is not one of \(accepted.joined(separator: ", "))")
            }
            return text
        }
    }

    /// Reads the file at `path` as a table of `kind` ("sweep", "capacity") whose schema is in `versions`.
    static func read(path: String, kind: String, versions: ClosedRange<Int>) throws(UsageError) -> CSVTable {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw UsageError("cannot read \(kind) CSV \(path): \(error.localizedDescription)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw UsageError("\(path) is not UTF-8 text, so it is not a kbench \(kind) CSV")
        }
        return try parse(text, source: path, kind: kind, versions: versions)
    }

    /// Parses CSV text; `source` names the file in error messages. The header's names are checked for duplicates
    /// only: which columns a schema needs is the caller's to check (`missing(_:)`).
    static func parse(_ text: String, source: String, kind: String, versions: ClosedRange<Int>) throws(UsageError) -> CSVTable {
        let records = logicalRecords(text)
        let schemaPrefix = "# kbench \(kind) schema "
        guard let first = records.first, !(records.count == 1 && first.text.trimmingWhitespace().isEmpty) else {
            throw UsageError("\(source) is empty: a \(kind) CSV starts with '\(schemaPrefix)\(versions.upperBound)'")
        }
        let found = first.text.trimmingWhitespace()
        guard found.hasPrefix(schemaPrefix) else {
            throw UsageError(
                "\(source) line 1: expected '\(schemaPrefix)\(versions.upperBound)', found '\(found.prefix(60))': is this a kbench \(kind) CSV?")
        }
        let version = found.dropFirst(schemaPrefix.count)
        guard let schema = Int(version), versions.contains(schema) else {
            throw UsageError(
                "\(source) line 1: \(kind) schema \(version), but this kbench reads schemas \(versions.lowerBound) to \(versions.upperBound); "
                    + "use the kbench version that wrote it")
        }
        guard records.count > 1, !records[1].text.trimmingWhitespace().isEmpty else {
            throw UsageError("\(source) line 2: missing the header line (the column names)")
        }
        let names: [String]
        do { names = try CSV.split(Substring(records[1].text)).map { $0.trimmingWhitespace() } } catch {
            throw UsageError("\(source) line \(records[1].line): \(error.message)")
        }
        var index: [String: Int] = [:]
        for (i, name) in names.enumerated() {
            if index[name] != nil {
                throw UsageError("\(source) line \(records[1].line), column \(i + 1): column '\(name)' appears twice in the header")
            }
            index[name] = i
        }
        var rows: [Row] = []
        for record in records.dropFirst(2) where !record.text.trimmingWhitespace().isEmpty {
            let cells: [String]
            do { cells = try CSV.split(Substring(record.text)) } catch {
                throw UsageError("\(source) line \(record.line): \(error.message)")
            }
            guard cells.count == names.count else {
                throw UsageError("\(source) line \(record.line): \(cells.count) cells, but the header (line 2) has \(names.count) columns")
            }
            rows.append(Row(cells: cells, index: index, source: source, line: record.line))
        }
        return CSVTable(source: source, schema: schema, index: index, rows: rows)
    }

    /// A copy in which each `(name, former)` column absent from the header is read under its former name.
    func renaming(_ formerNames: [(String, String)]) -> CSVTable {
        var index = self.index
        for (name, former) in formerNames where index[name] == nil {
            if let i = index[former] { index[name] = i }
        }
        return CSVTable(
            source: source, schema: schema, index: index, rows: rows.map { Row(cells: $0.cells, index: index, source: $0.source, line: $0.line) })
    }

    /// Refuses a header that lacks any of `expected`, naming them (and, when most are missing, asking whether
    /// this is the right kind of file).
    func requireColumns(_ expected: [String], kind: String) throws(UsageError) {
        let missing = expected.filter { index[$0] == nil }
        if missing.count > 5 {
            throw UsageError(
                "\(source) line 2: missing \(missing.count) of the \(expected.count) columns (\(missing.prefix(3).joined(separator: ", ")), …): "
                    + "is this the header of a kbench \(kind) CSV?")
        }
        if !missing.isEmpty {
            throw UsageError("\(source) line 2: missing column\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", ")) in the header")
        }
    }

    /// A CSV record with the 1-based line it starts on; quoted cells may span lines.
    struct Record {
        var line: Int
        var text: String
    }

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
}
