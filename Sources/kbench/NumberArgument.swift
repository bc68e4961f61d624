import ArgumentParser
import Foundation

/// `transform:`s for numeric options, whose refusals say what was wrong and what is accepted. Options using them
/// are declared with `parsing: .unconditional`: a negative value ("--rate -100") then reaches the check, where
/// ArgumentParser alone would take it for an option and report a missing value.
enum NumberArgument {
    /// A whole number in `range`. `oneOf` (e.g. ("capacity", "partition count")) names the command and what its
    /// single value counts where the sweep takes a set: a set such as `1...4` is then refused with that reason.
    static func whole(_ option: String, _ range: ClosedRange<Int>, oneOf: (command: String, what: String)? = nil) -> @Sendable (String) throws -> Int {
        { text in
            let t = text.trimmingCharacters(in: .whitespaces)
            if let n = Int(t), range.contains(n) { return n }
            if let oneOf, t.contains("...") || t.contains("..<") || t.contains(",") {
                throw ValidationError(
                    "\(option) '\(text)' is a set, but \(oneOf.command) takes one \(oneOf.what): run it once per \(oneOf.what) "
                        + "(sets such as 1...4 are for 'kbench sweep')")
            }
            let accepted = range.upperBound == Int.max ? "of at least \(range.lowerBound)" : "from \(range.lowerBound) to \(range.upperBound)"
            throw ValidationError("\(option) must be a whole number \(accepted), got '\(text)'")
        }
    }

    /// A rate in events per second: a positive, finite number.
    static func rate(_ option: String) -> @Sendable (String) throws -> Double {
        { text in
            guard let r = Double(text.trimmingCharacters(in: .whitespaces)), r > 0, r.isFinite else {
                throw ValidationError("\(option) must be a positive number of events/s, got \(text)")
            }
            return r
        }
    }
}
