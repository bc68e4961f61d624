import Foundation

/// How user ids (and so keys and partitions) are drawn: uniformly, or Zipf-skewed so a few users are hot.
/// Skew makes partitions uneven under murmur2, which the drain model accounts for with the real partition sizes.
public enum KeyDistribution: Equatable, Sendable, CustomStringConvertible {
    /// Every user id equally likely.
    case uniform
    /// Zipf with exponent `s` (> 0): user rank k is drawn with probability proportional to 1/k^s.
    case zipf(Double)

    /// The accepted syntax, for help texts and usage errors.
    public static let acceptedForms = "uniform, or zipf:S with an exponent S > 0 (e.g. zipf:1.1)"

    /// Parses `uniform` or `zipf:S`.
    public init(parsing text: String) throws(UsageError) {
        let t = text.trimmingWhitespace().lowercased()
        if t == "uniform" { self = .uniform; return }
        if t.hasPrefix("zipf:") {
            let rest = t.dropFirst(5)
            if let s = Double(rest), s > 0, s.isFinite, s <= 10 { self = .zipf(s); return }
            throw UsageError("invalid Zipf exponent '\(rest)' in '\(text)': it must be a number above 0 and at most 10 (e.g. zipf:1.1)")
        }
        throw UsageError("invalid key distribution '\(text)': accepted forms are \(Self.acceptedForms)")
    }

    /// The canonical text, as it is parsed back ("zipf:1.1").
    public var description: String {
        switch self {
        case .uniform: return "uniform"
        case .zipf(let s): return "zipf:\(s.compactDescription)"
        }
    }
}

/// Draws user ids in `0..<keys` from a `KeyDistribution`, deterministically from a seed.
/// A value type: each producing loop owns its own sampler (and so its own sequence).
public struct KeySampler: Sendable {
    /// Ids are drawn from `0..<keys`.
    public let keys: Int
    /// The seeded generator: the same seed gives the same ids in the same order.
    private var random: RandomSource
    /// Cumulative probabilities for Zipf (empty for uniform).
    private let cdf: [Double]

    /// A sampler over `keys` ids (at least 1). Zipf precomputes its cumulative distribution: 8 bytes per key, so
    /// `keys` bounds its memory.
    public init(keys: Int, distribution: KeyDistribution, seed: UInt64 = 42) {
        precondition(keys > 0)
        self.keys = keys
        self.random = RandomSource(seed: seed)
        switch distribution {
        case .uniform:
            cdf = []
        case .zipf(let s):
            var weights = [Double](repeating: 0, count: keys)
            var total = 0.0
            for k in 0..<keys {
                total += 1.0 / pow(Double(k + 1), s)
                weights[k] = total
            }
            cdf = weights.map { $0 / total }
        }
    }

    /// The next user id.
    @inline(__always)
    public mutating func next() -> Int {
        if cdf.isEmpty { return Int(random.next() % UInt64(keys)) }
        let u = random.unit()
        var lo = 0, hi = cdf.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cdf[mid] < u { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}

extension Double {
    /// "1.1" rather than "1.1000000000000001"; integers without ".0".
    var compactDescription: String {
        if self == rounded(), abs(self) < 1e15 { return String(Int(self)) }
        return "\(self)"
    }
}
