/// Bad input from the user: the message says what was wrong and what is accepted.
/// Thrown by parsers and `validate()` methods; in a command's `validate()` it becomes an ArgumentParser error and
/// kbench exits 64.
public struct UsageError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The whole message as printed: what was given, why it is refused, what is accepted.
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension StringProtocol {
    /// The text without leading and trailing whitespace (newlines included), without Foundation.
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
