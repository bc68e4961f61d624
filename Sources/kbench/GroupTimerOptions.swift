import ArgumentParser
import KafkaBench

/// `--session-timeout` and `--heartbeat-interval` for sweep and capacity (rebalance has its own, which also set
/// the embedded broker's consumer-protocol timers).
struct GroupTimerOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "session.timeout.ms of every group: how long a join can wait and a dead member goes unnoticed.", default: GroupTimers().sessionTimeout,
            valueName: "duration"),
        transform: { try parseArgument($0, DurationValue.init(parsing:)) })
    var sessionTimeout: DurationValue = GroupTimers().sessionTimeout

    @Option(
        help: ArgumentHelp("heartbeat.interval.ms of every group.", default: GroupTimers().heartbeatInterval, valueName: "duration"),
        transform: { try parseArgument($0, DurationValue.init(parsing:)) })
    var heartbeatInterval: DurationValue = GroupTimers().heartbeatInterval

    var timers: GroupTimers {
        var t = GroupTimers()
        t.sessionTimeout = sessionTimeout
        t.heartbeatInterval = heartbeatInterval
        return t
    }
}
