import Synchronization

/// Commands received from the runner, filled by the worker's stdin thread and read by its consumer thread.
public final class WorkerInbox: Sendable {
    private struct State {
        var go: RunnerCommand?
        var stop = false
    }
    private let state = Mutex(State())

    public init() {}

    public func deliver(_ command: RunnerCommand) {
        state.withLock {
            switch command.cmd {
            case .go: if $0.go == nil { $0.go = command }
            case .stop: $0.stop = true
            }
        }
    }

    public var go: RunnerCommand? { state.withLock { $0.go } }
    public var stopRequested: Bool { state.withLock { $0.stop } }
}
