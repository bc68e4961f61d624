import Synchronization

/// Commands received from the runner, filled by the worker's stdin thread and read by its consumer thread.
public final class WorkerInbox: Sendable {
    /// What the stdin thread delivered, read and consumed by the consumer thread.
    private struct State {
        /// The first "go" (later ones are ignored: a window is set once).
        var go: RunnerCommand?
        /// Whether "stop" arrived; it is never reset.
        var stop = false
        /// `stall` commands not yet acted on: their durations, ns, in arrival order.
        var stalls: [UInt64] = []
    }
    /// Every field behind one lock: the stdin thread writes it, the consumer (or producer) thread reads it.
    private let state = Mutex(State())

    /// An empty inbox: no "go", no "stop", no stall.
    public init() {}

    /// Stdin thread: records one command. A second "go" is ignored, and a `stall` without a positive duration too.
    public func deliver(_ command: RunnerCommand) {
        state.withLock {
            switch command.cmd {
            case .go: if $0.go == nil { $0.go = command }
            case .stop: $0.stop = true
            case .stall: if let d = command.durationNs, d > 0 { $0.stalls.append(d) }
            }
        }
    }

    /// The "go" command once it arrived (with the window, in window and capacity modes); nil before.
    public var go: RunnerCommand? { state.withLock { $0.go } }
    /// Whether the runner said "stop".
    public var stopRequested: Bool { state.withLock { $0.stop } }

    /// Whether a `stall` waits to be acted on.
    public var hasStall: Bool { state.withLock { !$0.stalls.isEmpty } }

    /// The oldest `stall` not yet acted on (its duration, ns), removed from the inbox; nil when there is none.
    public func takeStall() -> UInt64? {
        state.withLock { $0.stalls.isEmpty ? nil : $0.stalls.removeFirst() }
    }
}
