/// A failure while running (the broker unreachable, a file that cannot be written, a worker that cannot start):
/// not the user's typing. Commands print its message alone and exit 1; `UsageError` is for bad input.
/// Its message is printed as is, so it must name what failed and, where it can, what to do.
public struct RunError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The message as printed: what failed and, where known, what to do about it.
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
