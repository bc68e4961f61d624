import Foundation

/// The metadata JSON written beside every results CSV: how to reproduce the run and what it ran on.
/// Secrets are masked before anything reaches it. `CodingKeys` is its schema; reading a file back, including the
/// shapes earlier versions wrote, is `init(from:)` (RunMetadataDecoding.swift), and what reports show of it is
/// `RunMetadata.Recorded`.
public struct RunMetadata: Encodable, Sendable {
    public struct Host: Encodable, Sendable {
        public var cores: Int
        public var memoryGib: Double
        public var os: String
        public var hostname: String

        enum CodingKeys: String, CodingKey {
            case cores, memoryGib, os, hostname
        }
    }
    public var runId: String
    public var kind: String
    public var commandLine: String
    public var started: String
    public var finished: String?
    public var kbenchVersion = KBenchVersion.string
    /// The librdkafka the workers ran (the runner's own until a run with agents sets the agents' version).
    public var librdkafkaVersion = LibrdkafkaRuntime.version
    public var brokerKind: String
    public var bootstrap: String
    public var cluster: ClusterMetadata?
    public var host: Host
    /// Every librdkafka property the consumers applied, as a worker reported it, secrets masked; `group.id` and
    /// `partition.assignment.strategy`, which differ per trial, are described rather than given.
    public var consumerProperties: [String: String]
    /// Where `consumerProperties` came from ("applied, as reported by consumer c01 …", or "planned …" when no
    /// worker reported).
    public var consumerPropertiesSource: String?
    public var settings: [String: String]
    public var trials: Int
    public var failedTrials: Int
    public var status: String

    public init(
        runId: String, kind: String, commandLine: String, started: String, finished: String? = nil,
        brokerKind: String, bootstrap: String, cluster: ClusterMetadata?, host: Host,
        consumerProperties: [String: String], settings: [String: String], trials: Int, failedTrials: Int, status: String
    ) {
        self.runId = runId; self.kind = kind; self.commandLine = commandLine; self.started = started; self.finished = finished
        self.brokerKind = brokerKind; self.bootstrap = bootstrap; self.cluster = cluster; self.host = host
        self.consumerProperties = consumerProperties; self.settings = settings; self.trials = trials
        self.failedTrials = failedTrials; self.status = status
    }

    enum CodingKeys: String, CodingKey {
        case runId = "run_id", kind, commandLine = "command_line", started, finished
        case kbenchVersion = "kbench_version", librdkafkaVersion = "librdkafka_version"
        case brokerKind = "broker_kind", bootstrap, cluster, host
        case consumerProperties = "consumer_properties", consumerPropertiesSource = "consumer_properties_source", settings, trials, failedTrials =
            "failed_trials", status
    }

    /// `applied` with the per-trial keys (`group.id`, `partition.assignment.strategy`) described, not given.
    public static func perTrialKeysMarked(_ applied: [String: String]) -> [String: String] {
        var p = applied
        if p["group.id"] != nil { p["group.id"] = "(per trial: <prefix>-<run id>-…)" }
        if p["partition.assignment.strategy"] != nil { p["partition.assignment.strategy"] = "(per trial: --assignor)" }
        return p
    }

    public static func currentHost() -> Host {
        let info = ProcessInfo.processInfo
        return Host(
            cores: info.activeProcessorCount, memoryGib: (Double(info.physicalMemory) / 1_073_741_824 * 10).rounded() / 10,
            os: info.operatingSystemVersionString, hostname: info.hostName)
    }

    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path))
    }

    /// The command line with every secret `-X key=value` (or `--config`-style assignment) value masked.
    /// This process's own command line as `kbench …`, secrets masked: what a run's metadata records.
    public static var invokedCommandLine: String { redactedCommandLine(["kbench"] + CommandLine.arguments.dropFirst()) }

    public static func redactedCommandLine(_ arguments: [String]) -> String {
        arguments.map { arg -> String in
            let body = arg.hasPrefix("-X") ? String(arg.dropFirst(2)) : arg
            if let eq = body.firstIndex(of: "="), Secrets.isSecret(String(body[..<eq])) {
                return (arg.hasPrefix("-X") ? "-X" : "") + body[..<eq] + "=" + Secrets.mask
            }
            return arg
        }.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
    }

    /// A short id for a run, unique enough to name its consumer groups (milliseconds and pid, base 36).
    public static func newRunId() -> String {
        String(UInt64(Date().timeIntervalSince1970 * 1000) % 100_000_000, radix: 36)
            + String(ProcessInfo.processInfo.processIdentifier % 1296, radix: 36)
    }

    public static func utcTimestamp(_ date: Date = Date(), compact: Bool = false) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = compact ? "yyyyMMdd'T'HHmmss'Z'" : "yyyy-MM-dd'T'HH:mm:ss'Z'"
        return f.string(from: date)
    }
}
