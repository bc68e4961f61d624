import ArgumentParser
import KafkaBench

/// `--session-timeout` and `--heartbeat-interval` for sweep and capacity (rebalance has its own, which also set
/// the embedded broker's consumer-protocol timers).
/// Unset options keep `GroupTimers`' defaults (6 s and 500 ms).
struct GroupTimerOptions: ParsableArguments {
    /// nil when not given, so `check` can tell an explicit value (refused under the consumer protocol) from the default.
    @Option(
        help: ArgumentHelp(
            "session.timeout.ms of every group: how long a join can wait and a dead member goes unnoticed.", default: GroupTimers().sessionTimeout,
            valueName: "duration"),
        transform: { try parseArgument($0, DurationValue.init(parsing:)) })
    var sessionTimeout: DurationValue?

    /// nil when not given, like `sessionTimeout`.
    @Option(
        help: ArgumentHelp("heartbeat.interval.ms of every group.", default: GroupTimers().heartbeatInterval, valueName: "duration"),
        transform: { try parseArgument($0, DurationValue.init(parsing:)) })
    var heartbeatInterval: DurationValue?

    /// The timers to use: the given values over `GroupTimers`' defaults.
    var timers: GroupTimers {
        var t = GroupTimers()
        if let sessionTimeout { t.sessionTimeout = sessionTimeout }
        if let heartbeatInterval { t.heartbeatInterval = heartbeatInterval }
        return t
    }

    /// Refuses timers given for a run whose groups all use the consumer protocol, where they would be ignored:
    /// there the broker owns them.
    func check(groupProtocols: [GroupProtocol]) throws {
        guard !groupProtocols.contains(.classic), sessionTimeout != nil || heartbeatInterval != nil else { return }
        throw ValidationError(
            "--session-timeout and --heartbeat-interval set classic-protocol groups' timers; under --group-protocol consumer the broker owns them "
                + "(a real cluster's group.consumer.session.timeout.ms and group.consumer.heartbeat.interval.ms; the embedded broker's are "
                + "\(GroupTimers().sessionTimeout) and \(GroupTimers().heartbeatInterval)): drop them, or add classic to --group-protocol")
    }
}
