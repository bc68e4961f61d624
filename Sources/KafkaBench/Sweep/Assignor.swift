/// A partition assignment strategy librdkafka 2.0.2 implements.
public enum Assignor: String, CaseIterable, Sendable, Codable {
    case range
    case roundrobin
    case cooperativeSticky = "cooperative-sticky"

    public static let acceptedForms = "range, roundrobin, cooperative-sticky, all, or a comma-separated list of them"

    /// Parses `range`, `all`, or a list such as `range,roundrobin`.
    public static func parseList(_ text: String) throws(UsageError) -> [Assignor] {
        var out: [Assignor] = []
        for raw in text.split(separator: ",", omittingEmptySubsequences: false) {
            let t = raw.trimmingWhitespace().lowercased()
            if t == "all" {
                for a in allCases where !out.contains(a) { out.append(a) }
            } else if let a = Assignor(rawValue: t) {
                if !out.contains(a) { out.append(a) }
            } else {
                throw UsageError("invalid assignor '\(raw)' in '\(text)': accepted forms are \(acceptedForms)")
            }
        }
        return out
    }
}
