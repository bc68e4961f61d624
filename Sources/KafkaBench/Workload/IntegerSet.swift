import Foundation

/// A set of positive integers as users write them: `10`, `6,10,20`, `1...15`, `1..<16`, `2...16:2`
/// (and comma-separated mixes of those). Values come out sorted and without repeats.
/// Parses `kbench sweep`'s `--partitions` and `--consumers` and `kbench capacity`'s `--consumers`.
public struct IntegerSet: Equatable, Sendable, CustomStringConvertible {
    /// The values, ascending, each once.
    public let values: [Int]
    /// The text as given, for messages and metadata.
    public let text: String

    /// The accepted syntax, for help texts and usage errors.
    public static let acceptedForms =
        "a number (10), a list (6,10,20), a closed range (1...15), a half-open range (1..<16) or a stepped range (2...16:2), all of positive integers"

    /// Parses `text`; `name` is the option as usage errors call it, and every value must be between 1 and `limit`.
    public init(parsing text: String, name: String = "value", limit: Int = 10_000) throws(UsageError) {
        self.text = text
        var out = Set<Int>()
        let items = text.split(separator: ",", omittingEmptySubsequences: false)
        for raw in items {
            let item = raw.trimmingWhitespace()
            /// A usage error quoting the whole text, why it is refused and the accepted forms.
            func fail(_ why: String) -> UsageError {
                UsageError("invalid \(name) '\(text)': \(why). Accepted: \(Self.acceptedForms)")
            }
            if item.isEmpty { throw fail("empty item") }
            /// One whole number from 1 to `limit`.
            func number(_ s: Substring) throws(UsageError) -> Int {
                let t = s.trimmingWhitespace()
                guard let v = Int(t) else { throw fail("'\(t)' is not a whole number") }
                guard v > 0 else { throw fail("\(v) is not positive") }
                guard v <= limit else { throw fail("\(v) is above the limit of \(limit)") }
                return v
            }
            var body = Substring(item)
            var step = 1
            if let colon = body.firstIndex(of: ":") {
                guard body.contains("...") || body.contains("..<") else { throw fail("a step (':\(body[body.index(after: colon)...])') needs a range") }
                step = try number(body[body.index(after: colon)...])
                body = body[..<colon]
            }
            if let r = body.range(of: "...") {
                let lo = try number(body[..<r.lowerBound]), hi = try number(body[r.upperBound...])
                guard lo <= hi else { throw fail("the range \(lo)...\(hi) is reversed") }
                out.formUnion(stride(from: lo, through: hi, by: step))
            } else if let r = body.range(of: "..<") {
                let lo = try number(body[..<r.lowerBound]), hi = try number(body[r.upperBound...])
                guard lo < hi else { throw fail("the range \(lo)..<\(hi) is empty") }
                out.formUnion(stride(from: lo, to: hi, by: step))
            } else {
                out.insert(try number(body))
            }
        }
        values = out.sorted()
    }

    /// The text as given (not normalised).
    public var description: String { text }
}
