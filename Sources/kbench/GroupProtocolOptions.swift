import ArgumentParser
import KafkaBench

/// `--group-protocol` and `--remote-assignor`, shared by sweep, rebalance and capacity: which group protocols a
/// run compares, and the broker-side assignor of the consumer protocol. With `--assignor` they give the run's
/// strategies (`Assignor.strategies`), one series or row label each ("range", "consumer-uniform", …).
struct GroupProtocolOptions: ParsableArguments {
    /// The protocols to compare, in the order given (duplicates dropped); default classic only.
    @Option(
        help: ArgumentHelp(
            "classic, consumer (KIP-848, the broker assigns; needs librdkafka ≥ 2.12, e.g. --librdkafka 2.16.0), or classic,consumer side by side.",
            default: GroupProtocol.classic.rawValue, valueName: "protocols"),
        transform: { try parseArgument($0, GroupProtocol.parseList) })
    var groupProtocol: [GroupProtocol] = [.classic]

    /// The consumer protocol's broker-side assignor; nil leaves the broker's default.
    @Option(
        help: ArgumentHelp("Under --group-protocol consumer: the broker's assignor, uniform or range (default: the broker's own).", valueName: "assignor"),
        transform: { try parseArgument($0, RemoteAssignor.init(parsing:)) })
    var remoteAssignor: RemoteAssignor?

    /// The strategies of the run: `assignors` (what --assignor gave, nil when it was not given) under the classic
    /// protocol, the consumer protocol's one strategy under `consumer`.
    func strategies(assignors: [Assignor]?, defaultAssignors: [Assignor]) -> [Assignor] {
        Assignor.strategies(protocols: groupProtocol, assignors: assignors ?? defaultAssignors, remoteAssignor: remoteAssignor)
    }

    /// Refuses what the protocols cannot take: the consumer protocol on a library older than 2.12, a remote
    /// assignor without it, classic assignors with the consumer protocol alone.
    func check(assignorGiven: Bool) throws {
        if groupProtocol.isEmpty { throw ValidationError("--group-protocol is empty: accepted forms are \(GroupProtocol.acceptedForms)") }
        if remoteAssignor != nil && !groupProtocol.contains(.consumer) {
            throw ValidationError("--remote-assignor applies only under --group-protocol consumer (the classic protocol's members assign: use --assignor)")
        }
        if assignorGiven && !groupProtocol.contains(.classic) {
            throw ValidationError(
                "--assignor chooses the classic protocol's assignors, but --group-protocol is consumer only: the broker assigns there (--remote-assignor uniform|range)"
            )
        }
        try wrap { try GroupProtocol.checkSupported(groupProtocol) }
    }
}
