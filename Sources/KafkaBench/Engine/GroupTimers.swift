/// A consumer group's session timeout and heartbeat interval, which every mode sets on every broker.
///
/// On a broker whose join waits for the session timeout (Tansu, and a real Kafka broker when a member leaves or
/// joins) librdkafka's 45 s default made every sweep trial's join take about 24 s; 6 s (Kafka's lowest allowed
/// `group.min.session.timeout.ms` by default) and 500 ms heartbeats join in a few seconds. The timers change how
/// long a group takes to form and to notice a dead member, never what a sweep or capacity window measures: the
/// window starts after the group is stable. Under the consumer protocol (KIP-848) they are the broker's, and kbench
/// leaves them out of the client's properties.
/// Set from `--session-timeout` and `--heartbeat-interval` (`GroupTimerOptions`) and recorded in the metadata.
public struct GroupTimers: Sendable, Equatable {
    /// `session.timeout.ms`: how long the coordinator waits for a silent member before removing it (6 s by default).
    public var sessionTimeout: DurationValue = .seconds(6)
    /// `heartbeat.interval.ms`: how often members heartbeat, and so how fast they learn of a rebalance (must be below
    /// the session timeout).
    public var heartbeatInterval: DurationValue = .milliseconds(500)

    /// kbench's defaults: 6 s and 500 ms.
    public init() {}

    /// `session.timeout.ms` and `heartbeat.interval.ms`.
    public var properties: [String: String] {
        ["session.timeout.ms": String(Int(sessionTimeout.milliseconds)), "heartbeat.interval.ms": String(Int(heartbeatInterval.milliseconds))]
    }

    /// For the metadata's settings.
    public var settings: [String: String] { ["session_timeout": sessionTimeout.description, "heartbeat_interval": heartbeatInterval.description] }

    /// Refuses a heartbeat interval that is not below the session timeout: a member would miss its session.
    public func validate() throws(UsageError) {
        guard heartbeatInterval < sessionTimeout else {
            throw UsageError("--heartbeat-interval (\(heartbeatInterval)) must be below --session-timeout (\(sessionTimeout))")
        }
    }
}
