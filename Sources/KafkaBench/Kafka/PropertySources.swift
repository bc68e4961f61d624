import Foundation
import Synchronization

/// librdkafka properties from the places users put them: `-X key=value` arguments and `--config FILE`
/// properties files (`key=value` lines, `#`/`!` comments, blank lines). `-X` wins over the file.
/// Keys are trimmed; a value is everything after the first "=", verbatim in `-X` and trimmed in a file.
public enum PropertySources {
    /// Parses one `key=value` argument.
    public static func parseAssignment(_ text: String) throws(UsageError) -> (String, String) {
        guard let eq = text.firstIndex(of: "=") else {
            throw UsageError("invalid -X '\(maskedAssignment(text))': expected key=value, e.g. -X fetch.wait.max.ms=10")
        }
        let key = text[..<eq].trimmingWhitespace()
        let value = String(text[text.index(after: eq)...])
        guard !key.isEmpty else { throw UsageError("invalid -X '\(maskedAssignment(text))': the key before '=' is empty") }
        return (key, value)
    }

    /// Parses a properties file's text; errors name the file and line.
    public static func parseFile(_ text: String, path: String) throws(UsageError) -> [String: String] {
        var out: [String: String] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix("!") { continue }
            guard let eq = line.firstIndex(of: "=") else {
                throw UsageError("\(path):\(index + 1): expected key=value, found '\(maskedAssignment(line))'")
            }
            let key = line[..<eq].trimmingWhitespace()
            guard !key.isEmpty else { throw UsageError("\(path):\(index + 1): the key before '=' is empty") }
            out[key] = line[line.index(after: eq)...].trimmingWhitespace()
        }
        return out
    }

    /// Files already read by this process: a command's `validate()` and `run()` both need the properties, and
    /// the file is read once (so both see the same content).
    private static let loaded = Mutex<[String: [String: String]]>([:])

    /// Reads and parses a properties file, once per process and path.
    public static func load(path: String) throws(UsageError) -> [String: String] {
        if let cached = loaded.withLock({ $0[path] }) { return cached }
        let properties = try read(path: path)
        loaded.withLock { $0[path] = properties }
        return properties
    }

    /// Reads and parses the file, refusing a missing, unreadable or non-UTF-8 one with the path in the message.
    private static func read(path: String) throws(UsageError) -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw UsageError("cannot read --config file \(path): it does not exist or is not readable")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw UsageError("cannot read --config file \(path): it is not UTF-8 text")
        }
        return try parseFile(text, path: path)
    }

    /// Merges a config file's properties with `-X` assignments (which win).
    public static func merge(file: [String: String], assignments: [String]) throws(UsageError) -> [String: String] {
        var out = file
        for a in assignments {
            let (k, v) = try parseAssignment(a)
            out[k] = v
        }
        return out
    }

    /// `key=***` when the key names a secret, so even a malformed secret never reaches a message.
    static func maskedAssignment(_ text: String) -> String {
        guard let eq = text.firstIndex(of: "=") else {
            return Secrets.isSecret(text) ? Secrets.mask : text
        }
        let key = String(text[..<eq])
        return Secrets.isSecret(key) ? "\(key)=\(Secrets.mask)" : text
    }
}
