import Foundation

/// How `RunMetadata` reads an `X.meta.json` back: the keys it writes (`CodingKeys`) and the spellings and shapes
/// that files of earlier kbench versions used. Reading never fails on a field: a missing field, or one of a type that
/// cannot mean what the field means, reads as empty ("" for text, 0 for counts, nil for optional fields), so every
/// metadata file that is a JSON object reads.
///
/// Earlier shapes accepted: `work`, `mode` and `key_distribution` at the top level (when not empty they win over the
/// same keys in `settings`, into which they are moved); the host's memory as `memoryGb` or `memory_gb` (the same GiB
/// figure); the command line as an array of words; numbers where text is expected (as their text), numeric strings
/// where numbers are expected.
extension RunMetadata: Decodable {
    /// Top-level keys that only earlier versions wrote.
    private enum LegacyKeys: String, CodingKey, CaseIterable {
        case work, mode, keyDistribution = "key_distribution"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func text(_ key: CodingKeys) -> String? { (try? c.decodeIfPresent(MetadataText.self, forKey: key))?.value }
        func count(_ key: CodingKeys) -> Int { (try? c.decodeIfPresent(MetadataNumber.self, forKey: key))?.integer ?? 0 }
        func dictionary(_ key: CodingKeys) -> [String: String] {
            (try? c.decodeIfPresent([String: MetadataText].self, forKey: key))?.compactMapValues(\.value) ?? [:]
        }
        let host = try? c.decodeIfPresent(Host.self, forKey: .host)
        self.init(
            runId: text(.runId) ?? "", kind: text(.kind) ?? "",
            commandLine: (try? c.decodeIfPresent(MetadataCommandLine.self, forKey: .commandLine))?.value ?? "",
            started: text(.started) ?? "", finished: text(.finished), brokerKind: text(.brokerKind) ?? "",
            bootstrap: text(.bootstrap) ?? "", cluster: try? c.decodeIfPresent(ClusterMetadata.self, forKey: .cluster),
            host: host ?? Host(cores: 0, memoryGib: 0, os: "", hostname: ""), consumerProperties: dictionary(.consumerProperties),
            settings: dictionary(.settings), trials: count(.trials), failedTrials: count(.failedTrials), status: text(.status) ?? "")
        kbenchVersion = text(.kbenchVersion) ?? ""
        librdkafkaVersion = text(.librdkafkaVersion) ?? ""
        consumerPropertiesSource = text(.consumerPropertiesSource)
        let legacy = try decoder.container(keyedBy: LegacyKeys.self)
        for key in LegacyKeys.allCases {
            if let value = (try? legacy.decodeIfPresent(MetadataText.self, forKey: key))?.value, !value.isEmpty {
                settings[key.stringValue] = value
            }
        }
    }

    /// The metadata in `data`, read as `init(from:)` describes; `source` names it in errors.
    public static func parse(_ data: Data, source: String) throws(UsageError) -> RunMetadata {
        do {
            return try JSONDecoder().decode(RunMetadata.self, from: data)
        } catch DecodingError.typeMismatch(_, _) {
            throw UsageError("\(source) must hold a JSON object")
        } catch {
            throw UsageError("\(source) is not valid JSON: \(Self.describe(error))")
        }
    }

    /// The metadata beside `csvPath` (`X.meta.json` for `X.csv`); nil when there is none.
    public static func load(csvPath: String) throws(UsageError) -> RunMetadata? {
        let path = ResultPaths.metadata(forCSV: csvPath)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw UsageError("cannot read \(path): \(error.localizedDescription)")
        }
        return try parse(data, source: path)
    }

    private static func describe(_ error: Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            return context.underlyingError.map { "\($0)" } ?? context.debugDescription
        }
        return "\(error)"
    }
}

extension RunMetadata.Host: Decodable {
    /// Spellings of `memoryGib` in files written before it was renamed.
    private enum LegacyKeys: String, CodingKey {
        case memoryGb, memoryGbSnakeCase = "memory_gb"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let legacy = try decoder.container(keyedBy: LegacyKeys.self)
        func number<K: CodingKey>(_ container: KeyedDecodingContainer<K>, _ key: K) -> MetadataNumber? {
            try? container.decodeIfPresent(MetadataNumber.self, forKey: key)
        }
        func text(_ key: CodingKeys) -> String { (try? c.decodeIfPresent(MetadataText.self, forKey: key))?.value ?? "" }
        let memory = number(c, .memoryGib)?.value ?? number(legacy, .memoryGbSnakeCase)?.value ?? number(legacy, .memoryGb)?.value
        self.init(cores: number(c, .cores)?.integer ?? 0, memoryGib: memory ?? 0, os: text(.os), hostname: text(.hostname))
    }
}
