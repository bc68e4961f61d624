/// How a group's partitions are assigned: a classic-protocol assignor that the members run (range, roundrobin,
/// cooperative-sticky), or the consumer protocol of KIP-848, where the broker assigns (with its default assignor,
/// or the one named by `group.remote.assignor`). The raw value labels rows, series and files, so that every
/// result says which protocol and assignor produced it.
public enum Assignor: String, CaseIterable, Sendable, Codable {
    /// librdkafka's classic assignors, named as `partition.assignment.strategy` takes them; cooperative-sticky
    /// rebalances incrementally (KIP-429), the other two eagerly.
    case range
    case roundrobin
    case cooperativeSticky = "cooperative-sticky"
    /// KIP-848, the broker's default assignor.
    case consumer
    /// KIP-848 with `group.remote.assignor=uniform`.
    case consumerUniform = "consumer-uniform"
    /// KIP-848 with `group.remote.assignor=range`.
    case consumerRange = "consumer-range"

    /// The classic protocol's assignors, what `--assignor all` means.
    public static let classic: [Assignor] = [.range, .roundrobin, .cooperativeSticky]

    /// What `--assignor` accepts, for help texts and usage errors.
    public static let acceptedForms = "range, roundrobin, cooperative-sticky, all, or a comma-separated list of them"

    /// The group protocol this strategy runs under.
    public var groupProtocol: GroupProtocol {
        switch self {
        case .range, .roundrobin, .cooperativeSticky: .classic
        case .consumer, .consumerUniform, .consumerRange: .consumer
        }
    }

    /// The consumer protocol's strategy for a `--remote-assignor` value (nil: the broker's default).
    public static func consumerProtocol(remoteAssignor: RemoteAssignor?) -> Assignor {
        switch remoteAssignor {
        case nil: .consumer
        case .uniform: .consumerUniform
        case .range: .consumerRange
        }
    }

    /// The librdkafka properties that select this strategy (kbench owns them; see `ConsumerProperties`).
    public var selectionProperties: [String: String] {
        switch self {
        case .range, .roundrobin, .cooperativeSticky: ["partition.assignment.strategy": rawValue]
        case .consumer: ["group.protocol": "consumer"]
        case .consumerUniform: ["group.protocol": "consumer", "group.remote.assignor": "uniform"]
        case .consumerRange: ["group.protocol": "consumer", "group.remote.assignor": "range"]
        }
    }

    /// Parses `range`, `all`, or a list such as `range,roundrobin` (classic assignors; the consumer protocol is
    /// chosen with `--group-protocol`).
    public static func parseList(_ text: String) throws(UsageError) -> [Assignor] {
        var out: [Assignor] = []
        for raw in text.split(separator: ",", omittingEmptySubsequences: false) {
            let t = raw.trimmingWhitespace().lowercased()
            if t == "all" {
                for a in classic where !out.contains(a) { out.append(a) }
            } else if let a = Assignor(rawValue: t), a.groupProtocol == .classic {
                if !out.contains(a) { out.append(a) }
            } else if t == "uniform" || t.hasPrefix("consumer") {
                throw UsageError(
                    "invalid assignor '\(raw)' in '\(text)': the consumer protocol's assignors are chosen with --group-protocol consumer and --remote-assignor uniform|range"
                )
            } else {
                throw UsageError("invalid assignor '\(raw)' in '\(text)': accepted forms are \(acceptedForms)")
            }
        }
        return out
    }

    /// The strategies a run compares: the classic `assignors` under `classic`, one consumer-protocol strategy
    /// under `consumer`, in the order of `protocols`.
    public static func strategies(protocols: [GroupProtocol], assignors: [Assignor], remoteAssignor: RemoteAssignor?) -> [Assignor] {
        protocols.flatMap { p -> [Assignor] in
            p == .classic ? assignors : [consumerProtocol(remoteAssignor: remoteAssignor)]
        }
    }
}

/// The consumer group protocol: `classic` (JoinGroup/SyncGroup, client-side assignors) or `consumer` (KIP-848,
/// Kafka 4: ConsumerGroupHeartbeat, broker-side assignment; production-ready in librdkafka from 2.12.0).
/// The raw value is what `--group-protocol` takes and librdkafka's `group.protocol` names (kbench sets that
/// property only for `consumer`).
public enum GroupProtocol: String, CaseIterable, Sendable, Codable {
    case classic
    case consumer

    /// The oldest librdkafka whose consumer protocol is production-ready.
    public static let consumerMinimumLibrdkafka = LibrdkafkaRuntime.Version(2, 12, 0)

    /// What `--group-protocol` accepts, for help texts and usage errors.
    public static let acceptedForms = "classic, consumer, or classic,consumer"

    /// Parses `classic`, `consumer` or a comma list of them.
    public static func parseList(_ text: String) throws(UsageError) -> [GroupProtocol] {
        var out: [GroupProtocol] = []
        for raw in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let p = GroupProtocol(rawValue: raw.trimmingWhitespace().lowercased()) else {
                throw UsageError("invalid group protocol '\(raw)' in '\(text)': accepted forms are \(acceptedForms)")
            }
            if !out.contains(p) { out.append(p) }
        }
        return out
    }

    /// Refuses the consumer protocol on a librdkafka that does not run it, naming the version it needs.
    public static func checkSupported(_ protocols: [GroupProtocol]) throws(UsageError) {
        guard protocols.contains(.consumer), !LibrdkafkaRuntime.isAtLeast(consumerMinimumLibrdkafka) else { return }
        throw UsageError(
            "--group-protocol consumer needs librdkafka \(consumerMinimumLibrdkafka) or newer (KIP-848 is production-ready from 2.12.0); "
                + "this run loads librdkafka \(LibrdkafkaRuntime.version): select a newer one with --librdkafka (e.g. --librdkafka 2.16.0, provisioned by scripts/deps)"
        )
    }
}

/// The broker-side assignor of the consumer protocol (`group.remote.assignor`).
/// The raw value is what `--remote-assignor` takes and `group.remote.assignor` is set to.
public enum RemoteAssignor: String, CaseIterable, Sendable, Codable {
    case uniform
    case range

    /// Parses `--remote-assignor` (case-insensitive), refusing anything but the broker's two assignors.
    public init(parsing text: String) throws(UsageError) {
        guard let a = RemoteAssignor(rawValue: text.trimmingWhitespace().lowercased()) else {
            throw UsageError(
                "invalid remote assignor '\(text)': accepted values are uniform and range (the broker's assignors under --group-protocol consumer)")
        }
        self = a
    }
}
