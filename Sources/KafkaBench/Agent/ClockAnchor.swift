/// A pair of instants, one on each of two hosts' CLOCK_MONOTONIC, taken as the same moment: a message's send
/// time on the sender and its arrival on the receiver. Times translate through it; the error of a translation
/// is the message's delivery delay, which the runner bounds (see `AgentPlacement`). Clocks of two hosts are
/// never compared directly.
/// Kept per remote worker by the agent (set at spawn, renewed at "go"); a plain value.
public struct ClockAnchor: Sendable, Equatable {
    /// The runner's clock at the anchor.
    public var runnerNs: UInt64
    /// This host's clock at the anchor.
    public var localNs: UInt64

    /// An anchor from a message sent at `runnerNs` (runner's clock) and received at `localNs` (this host's).
    public init(runnerNs: UInt64, localNs: UInt64) {
        self.runnerNs = runnerNs
        self.localNs = localNs
    }

    /// A runner time on this host's clock.
    public func toLocal(_ runner: UInt64) -> UInt64 { Self.shift(runner, by: Int64(bitPattern: localNs) &- Int64(bitPattern: runnerNs)) }

    /// A time of this host on the runner's clock.
    public func toRunner(_ local: UInt64) -> UInt64 { Self.shift(local, by: Int64(bitPattern: runnerNs) &- Int64(bitPattern: localNs)) }

    /// `t + delta`, wrapping arithmetic on the bit patterns, clamped at 0 (a time before the clock's origin).
    private static func shift(_ t: UInt64, by delta: Int64) -> UInt64 {
        let v = Int64(bitPattern: t) &+ delta
        return v < 0 ? 0 : UInt64(v)
    }

    /// `event` with every time in it (its own, a final's go and done times, live samples' times) moved from this
    /// host's clock to the runner's.
    public func toRunner(_ event: WorkerEvent) -> WorkerEvent {
        var e = event
        e.t = toRunner(event.t)
        if var f = e.final {
            f.goNs = toRunner(f.goNs)
            f.doneNs = f.doneNs.map(toRunner)
            e.final = f
        }
        if var s = e.samples {
            // only atMicros is a monotonic time
            let deltaMicros = (Int64(bitPattern: runnerNs) &- Int64(bitPattern: localNs)) / 1000
            for i in stride(from: LiveSampleLayout.atMicros, to: s.count, by: LiveSampleLayout.width) { s[i] &+= deltaMicros }
            e.samples = s
        }
        return e
    }

    /// `command` with its window moved from the runner's clock to this host's.
    public func toLocal(_ command: RunnerCommand) -> RunnerCommand {
        var c = command
        c.windowStartNs = command.windowStartNs.map(toLocal)
        c.windowEndNs = command.windowEndNs.map(toLocal)
        return c
    }
}
