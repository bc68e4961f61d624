import Foundation

/// Number and text formatting shared by the summary, the index and the plot titles.
enum ReportText {
    /// A whole number with thousands separators: 12,345.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return value < 0 ? "-" + out : out
    }

    /// A rate in events/s: grouped whole numbers from 100 up, one decimal below; "–" when unmeasured.
    static func rate(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        return value >= 100 ? grouped(Int(value.rounded())) : String(format: "%.1f", value)
    }

    static func percent(_ fraction: Double) -> String {
        guard fraction.isFinite else { return "–" }
        return String(format: "%.0f%%", fraction * 100)
    }

    /// A difference between two figures as a percentage: to 0.1% below 10%, so a small difference never reads
    /// as "0%".
    static func difference(_ fraction: Double) -> String {
        guard fraction.isFinite else { return "–" }
        return String(format: abs(fraction) < 0.095 ? "%.1f%%" : "%.0f%%", fraction * 100)
    }

    static func factor(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        return String(format: "%.2f×", value)
    }

    /// Text safe inside a Markdown table cell.
    static func tableCell(_ text: String) -> String {
        text.replacing("|", with: "\\|").replacing("\n", with: " ")
    }

    /// Inline code in Markdown, fenced with enough backticks for the text.
    static func code(_ text: String) -> String {
        var fence = "`"
        while text.contains(fence) { fence += "`" }
        let pad = text.hasPrefix("`") || text.hasSuffix("`") ? " " : ""
        return fence + pad + text + pad + fence
    }

    /// The broker as a title shows it: the meta's broker kind, else "embedded" or the bootstrap servers.
    static func brokerKind(meta: RunMetadata.Recorded, rows: [TrialRow]) -> String {
        if let kind = meta.brokerKind { return kind }
        let brokers = Set(rows.map(\.broker)).sorted()
        if brokers == ["embedded"] { return "embedded" }
        return brokers.isEmpty ? "unknown broker" : "Kafka at " + brokers.joined(separator: " / ")
    }

    /// "1 consumer", "3 consumers".
    static func count(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(grouped(n)) \(n == 1 ? singular : plural ?? singular + "s")"
    }
}
