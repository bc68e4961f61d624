import Synchronization

/// Commands received from the runner, filled by the worker's stdin thread and read by its consumer thread.
public final class WorkerInbox: Sendable {
    private struct State {
        var go: RunnerCommand?
        var stop = false
        /// `stall` commands not yet acted on: their durations, ns, in arrival order.
        var stalls: [UInt64] = []
    }
    private let state = Mutex(State())

    public init() {}

    public func deliver(_ command: RunnerCommand) {
        state.withLock {
            switch command.cmd {
            case .go: if $0.go == nil { $0.go = command }
            case .stop: $0.stop = true
            case .stall: if let d = command.durationNs, d > 0 { $0.stalls.append(d) }
            }
        }
    }

    public var go: RunnerCommand? { state.withLock { $0.go } }
    public var stopRequested: Bool { state.withLock { $0.stop } }

    /// Whether a `stall` waits to be acted on.
    public var hasStall: Bool { state.withLock { !$0.stalls.isEmpty } }

    /// The oldest `stall` not yet acted on (its duration, ns), removed from the inbox; nil when there is none.
    public func takeStall() -> UInt64? {
        state.withLock { $0.stalls.isEmpty ? nil : $0.stalls.removeFirst() }
    }
}
