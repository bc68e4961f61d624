import Foundation

/// What a sweep recorded about itself in `X.meta.json` beside `X.csv`. Every field is optional.
public struct SweepMeta: Sendable, Equatable {
    public var commandLine: String?
    public var brokerKind: String?
    /// When the sweep started (as written, usually UTC ISO-8601).
    public var started: String?
    public var hostCores: Int?
    public var hostMemoryGiB: Double?
    public var kbenchVersion: String?
    public var librdkafkaVersion: String?
    public var work: String?
    public var mode: String?
    /// `uniform` or `zipf:S`, from "key_distribution" or the command line's `--key-distribution`.
    public var keyDistribution: String?
    /// How the sweep ended ("completed", "interrupted after …"), when recorded.
    public var status: String?
    /// Every entry of the meta's "settings" object, as text (what `kbench compare` diffs).
    public var settings: [String: String] = [:]

    public init(
        commandLine: String? = nil, brokerKind: String? = nil, started: String? = nil, hostCores: Int? = nil,
        hostMemoryGiB: Double? = nil, kbenchVersion: String? = nil, librdkafkaVersion: String? = nil,
        work: String? = nil, mode: String? = nil, keyDistribution: String? = nil, status: String? = nil
    ) {
        self.commandLine = commandLine; self.brokerKind = brokerKind; self.started = started
        self.hostCores = hostCores; self.hostMemoryGiB = hostMemoryGiB; self.kbenchVersion = kbenchVersion
        self.librdkafkaVersion = librdkafkaVersion; self.work = work; self.mode = mode
        self.keyDistribution = keyDistribution; self.status = status
    }

    /// `X.meta.json` for `X.csv`.
    public static func path(forCSV csvPath: String) -> String { ResultPaths.metadata(forCSV: csvPath) }

    /// The metadata beside `csvPath`; empty when there is no meta file.
    public static func load(csvPath: String) throws(UsageError) -> SweepMeta {
        let path = path(forCSV: csvPath)
        guard FileManager.default.fileExists(atPath: path) else { return SweepMeta() }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw UsageError("cannot read \(path): \(error.localizedDescription)")
        }
        return try parse(data, source: path)
    }

    /// Parses a meta JSON object; unknown keys are ignored, known keys of the wrong type are treated as absent.
    /// work, mode and key_distribution are read at the top level or inside "settings".
    public static func parse(_ data: Data, source: String) throws(UsageError) -> SweepMeta {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw UsageError("\(source) is not valid JSON: \(error.localizedDescription)")
        }
        guard let json = object as? [String: Any] else {
            throw UsageError("\(source) must hold a JSON object")
        }
        let host = json["host"] as? [String: Any] ?? [:]
        let settings = json["settings"] as? [String: Any] ?? [:]
        func setting(_ key: String) -> String? { text(json[key]) ?? text(settings[key]) }
        var meta = SweepMeta(
            commandLine: commandLineText(json["command_line"]), brokerKind: text(json["broker_kind"]),
            started: text(json["started"]), hostCores: number(host["cores"]).map { Int($0) },
            hostMemoryGiB: number(host["memoryGib"]) ?? number(host["memory_gb"]) ?? number(host["memoryGb"]), kbenchVersion: text(json["kbench_version"]),
            librdkafkaVersion: text(json["librdkafka_version"]), work: setting("work"), mode: setting("mode"),
            keyDistribution: setting("key_distribution"), status: text(json["status"]))
        for (key, value) in settings { if let t = text(value) { meta.settings[key] = t } }
        if meta.keyDistribution == nil, let cl = meta.commandLine { meta.keyDistribution = optionValue("--key-distribution", in: cl) }
        return meta
    }

    /// True when keys were drawn Zipf-skewed (a few hot keys, so hot partitions).
    public var keysSkewed: Bool { keyDistribution?.lowercased().hasPrefix("zipf") ?? false }

    private static func text(_ value: Any?) -> String? {
        if let s = value as? String { return s.isEmpty ? nil : s }
        if let n = value as? Int { return String(n) }
        if let n = value as? Double { return String(n) }
        return nil
    }

    private static func number(_ value: Any?) -> Double? {
        if let n = value as? Int { return Double(n) }
        if let n = value as? Double { return n }
        if let n = value as? NSNumber { return n.doubleValue }
        if let s = value as? String { return Double(s) }
        return nil
    }

    private static func commandLineText(_ value: Any?) -> String? {
        if let parts = value as? [Any] {
            let words = parts.compactMap { text($0) }
            return words.isEmpty ? nil : words.map(shellWord).joined(separator: " ")
        }
        return text(value)
    }

    private static func shellWord(_ word: String) -> String {
        let plain = word.allSatisfy { $0.isLetter || $0.isNumber || "-_./:=,+@%".contains($0) }
        return plain && !word.isEmpty ? word : "'" + word.replacing("'", with: "'\\''") + "'"
    }

    private static func optionValue(_ option: String, in commandLine: String) -> String? {
        let words = commandLine.split(separator: " ").map(String.init)
        for (i, word) in words.enumerated() {
            if word == option, i + 1 < words.count { return words[i + 1].trimmingCharacters(in: CharacterSet(charactersIn: "'\"")) }
            if word.hasPrefix(option + "=") { return String(word.dropFirst(option.count + 1)) }
        }
        return nil
    }
}
