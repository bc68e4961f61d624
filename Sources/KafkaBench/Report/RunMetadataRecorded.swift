import Foundation

extension RunMetadata {
    /// What `kbench report`, `kbench compare` and the results index read of a run's metadata: the fields of a decoded
    /// `RunMetadata` that they show, each nil when the file did not record it (absent, empty, or 0 cores or GiB), and
    /// what follows from them. Made from `RunMetadata`'s decoding (`init(_:)`, `load(csvPath:)`), never from the JSON
    /// itself, so the metadata has one schema.
    public struct Recorded: Sendable, Equatable {
        public var commandLine: String?
        public var brokerKind: String?
        /// When the run started (as written, usually UTC ISO-8601).
        public var started: String?
        public var hostCores: Int?
        public var hostMemoryGiB: Double?
        public var kbenchVersion: String?
        public var librdkafkaVersion: String?
        /// The work model (`settings["work"]`).
        public var work: String?
        /// `window` or `drain` (`settings["mode"]`).
        public var mode: String?
        /// `uniform` or `zipf:S`, from `settings["key_distribution"]` or the command line's `--key-distribution`.
        public var keyDistribution: String?
        /// How the run ended ("completed", "interrupted after …"), when recorded.
        public var status: String?
        /// Every entry of the metadata's "settings" that is not empty, as text (what `kbench compare` diffs).
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

        /// The recorded fields of `metadata`, as decoded from a file.
        public init(_ metadata: RunMetadata) {
            func recorded(_ s: String) -> String? { s.isEmpty ? nil : s }
            let commandLine = recorded(metadata.commandLine)
            let settings = metadata.settings.filter { !$0.value.isEmpty }
            self.init(
                commandLine: commandLine, brokerKind: recorded(metadata.brokerKind), started: recorded(metadata.started),
                hostCores: metadata.host.cores > 0 ? metadata.host.cores : nil,
                hostMemoryGiB: metadata.host.memoryGib > 0 ? metadata.host.memoryGib : nil,
                kbenchVersion: recorded(metadata.kbenchVersion), librdkafkaVersion: recorded(metadata.librdkafkaVersion),
                work: settings["work"], mode: settings["mode"],
                keyDistribution: settings["key_distribution"] ?? commandLine.flatMap { Self.optionValue("--key-distribution", in: $0) },
                status: recorded(metadata.status))
            self.settings = settings
        }

        /// What the metadata beside `csvPath` records; nothing when there is no metadata file.
        public static func load(csvPath: String) throws(UsageError) -> Recorded {
            try RunMetadata.load(csvPath: csvPath).map(Recorded.init) ?? Recorded()
        }

        /// True when keys were drawn Zipf-skewed (a few hot keys, so hot partitions).
        public var keysSkewed: Bool { keyDistribution?.lowercased().hasPrefix("zipf") ?? false }

        /// The value after `option` (`--opt value` or `--opt=value`) in a recorded command line.
        private static func optionValue(_ option: String, in commandLine: String) -> String? {
            let words = commandLine.split(separator: " ").map(String.init)
            for (i, word) in words.enumerated() {
                if word == option, i + 1 < words.count { return words[i + 1].trimmingCharacters(in: CharacterSet(charactersIn: "'\"")) }
                if word.hasPrefix(option + "=") { return String(word.dropFirst(option.count + 1)) }
            }
            return nil
        }
    }
}
