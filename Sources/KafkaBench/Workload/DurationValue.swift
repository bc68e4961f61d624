/// A duration written with a unit: `250us`, `500ms`, `3s`, `2m` (and `ns`). Every kbench duration takes units.
/// Whole nanoseconds, never negative; `description` parses back to the same value.
public struct DurationValue: Equatable, Comparable, Hashable, Sendable, CustomStringConvertible {
    /// The length in ns; never negative.
    public let nanoseconds: UInt64

    public init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }
    /// A duration of `ms` milliseconds (truncated to whole ns; must not be negative).
    public static func milliseconds(_ ms: Double) -> DurationValue { .init(nanoseconds: UInt64(ms * 1e6)) }
    /// A duration of `s` seconds (truncated to whole ns; must not be negative).
    public static func seconds(_ s: Double) -> DurationValue { .init(nanoseconds: UInt64(s * 1e9)) }

    /// The accepted syntax, for help texts and usage errors.
    public static let acceptedForms = "a number with a unit: ns, us, ms, s or m (e.g. 200us, 500ms, 3s, 2m)"

    /// Parses a number with a unit (ns, us or µs, ms, s, m; case-insensitive, fractions allowed). A bare number is refused:
    /// every kbench duration states its unit, so "500" cannot be misread as seconds or milliseconds.
    public init(parsing text: String) throws(UsageError) {
        let t = text.trimmingWhitespace().lowercased()
        let units: [(String, Double)] = [("ns", 1), ("us", 1e3), ("µs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9)]
        for (suffix, scale) in units where t.hasSuffix(suffix) {
            let number = t.dropLast(suffix.count)
            // "ms" also ends in "s" and "m": make sure the remaining text is a number
            guard let value = Double(number), value.isFinite else { continue }
            guard value >= 0 else { throw UsageError("invalid duration '\(text)': it must not be negative") }
            // UInt64 nanoseconds hold about 584 years; a longer duration is refused, not a crash
            guard value * scale < 1.8e19 else { throw UsageError("invalid duration '\(text)': it is too long (at most about 500 years)") }
            nanoseconds = UInt64(value * scale)
            return
        }
        if Double(t) != nil {
            throw UsageError("invalid duration '\(text)': a unit is required; use \(Self.acceptedForms)")
        }
        throw UsageError("invalid duration '\(text)': use \(Self.acceptedForms)")
    }

    /// The length in seconds and in milliseconds.
    public var seconds: Double { Double(nanoseconds) / 1e9 }
    public var milliseconds: Double { Double(nanoseconds) / 1e6 }

    /// The largest unit that divides the length exactly ("90s", "1500us"), so it parses back to the same value.
    public var description: String {
        let n = nanoseconds
        if n == 0 { return "0s" }
        if n % 60_000_000_000 == 0 { return "\(n / 60_000_000_000)m" }
        if n % 1_000_000_000 == 0 { return "\(n / 1_000_000_000)s" }
        if n % 1_000_000 == 0 { return "\(n / 1_000_000)ms" }
        if n % 1_000 == 0 { return "\(n / 1_000)us" }
        return "\(n)ns"
    }

    public static func < (a: DurationValue, b: DurationValue) -> Bool { a.nanoseconds < b.nanoseconds }
}
