/// Order statistics over the finite values of a sample (NaN marks a value a trial could not measure).
/// Used by every aggregate the reports show, so an unknown cell never turns into a 0.
public enum Statistics {
    /// The values that are neither NaN nor infinite, in their order.
    public static func finite(_ values: [Double]) -> [Double] { values.filter(\.isFinite) }

    /// The median of the finite values (mean of the middle two for an even count), NaN when there are none.
    public static func median(_ values: [Double]) -> Double {
        let v = finite(values).sorted()
        guard !v.isEmpty else { return .nan }
        let mid = v.count / 2
        return v.count % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2
    }

    /// The smallest finite value, NaN when there is none.
    public static func minimum(_ values: [Double]) -> Double { finite(values).min() ?? .nan }
    /// The largest finite value, NaN when there is none.
    public static func maximum(_ values: [Double]) -> Double { finite(values).max() ?? .nan }
}
