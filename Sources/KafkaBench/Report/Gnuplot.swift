import Foundation

/// What every gnuplot script kbench writes shares: how a text and a number are written into a script. Every string
/// a script interpolates (titles, labels, file names, broker names from the metadata) goes through `quoted` or
/// `doubleQuoted`, so a quote in a name cannot end the string early and break or change the script.
public enum Gnuplot {
    /// A gnuplot single-quoted string: no escapes are interpreted inside, a quote is doubled (`'it''s'`).
    public static func quoted(_ text: String) -> String {
        "'" + text.replacing("'", with: "''") + "'"
    }

    /// A gnuplot double-quoted string, in which `\n` breaks the line: backslashes and quotes are escaped, a newline
    /// becomes `\n`.
    public static func doubleQuoted(_ text: String) -> String {
        "\"" + text.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"").replacing("\n", with: "\\n") + "\""
    }

    /// A number as gnuplot reads it: an integer without a fraction, else six significant digits; NaN for an
    /// unmeasured value (gnuplot leaves such a point out).
    public static func number(_ v: Double) -> String {
        guard v.isFinite else { return "NaN" }
        if v == v.rounded() && abs(v) < 1e15 { return String(Int(v)) }
        return String(format: "%.6g", v)
    }

    /// A number gnuplot computes with in floating point (an integer literal would make `/` divide integers).
    public static func real(_ v: Double) -> String {
        let s = number(v)
        return s.contains(where: { ".eEN".contains($0) }) ? s : s + ".0"
    }
}
