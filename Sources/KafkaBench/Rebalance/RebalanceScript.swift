/// What happens to the group during a rebalance run, e.g. `join@5s, kill@12s, leave@20s, restart@26s`.
public struct RebalanceScript: Sendable, Equatable, CustomStringConvertible {
    public enum Action: String, Sendable, Codable, CaseIterable {
        /// Start a new consumer.
        case join
        /// Close a consumer cleanly (leave-group, final commit).
        case leave
        /// SIGKILL a consumer: no leave-group, no commit.
        case kill
        /// Start again the consumer that most recently left or was killed (same name; same group.instance.id with --static).
        case restart
    }

    public struct Step: Sendable, Equatable {
        public var action: Action
        public var at: DurationValue
    }

    public let steps: [Step]
    public let text: String

    public static let acceptedForms =
        "comma-separated ACTION@TIME steps, ACTION one of join, leave, kill, restart and TIME a duration (e.g. \"join@5s, kill@12s\"), in time order"

    /// Parses and checks the script against the starting consumer count and the run's duration.
    public init(parsing text: String, consumers: Int, duration: DurationValue) throws(UsageError) {
        self.text = text
        var steps: [Step] = []
        var live = consumers
        var gone = 0
        let tokens = text.split(separator: ",", omittingEmptySubsequences: false)
        for raw in tokens {
            let token = raw.trimmingWhitespace()
            func fail(_ why: String) -> UsageError { UsageError("invalid --script step '\(token)': \(why). Accepted: \(Self.acceptedForms)") }
            if token.isEmpty {
                if tokens.count == 1 { break }
                throw fail("empty step")
            }
            let parts = token.split(separator: "@", omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw fail("expected ACTION@TIME") }
            guard let action = Action(rawValue: parts[0].trimmingWhitespace().lowercased()) else {
                throw fail("unknown action '\(parts[0])'")
            }
            let at: DurationValue
            do { at = try DurationValue(parsing: String(parts[1])) } catch { throw fail(error.message) }
            if let last = steps.last, at <= last.at {
                throw fail("it is not after the previous step (\(last.action.rawValue)@\(last.at)); steps must be in time order")
            }
            guard at < duration else { throw fail("it is not before the end of the run (--duration \(duration))") }
            switch action {
            case .join: live += 1
            case .leave, .kill:
                guard live > 1 else { throw fail("it would leave the group without consumers (\(live) running at that point)") }
                live -= 1
                gone += 1
            case .restart:
                guard gone > 0 else { throw fail("no consumer has left or been killed before it") }
                gone -= 1
                live += 1
            }
            steps.append(Step(action: action, at: at))
        }
        self.steps = steps
    }

    public var description: String { steps.map { "\($0.action.rawValue)@\($0.at)" }.joined(separator: ", ") }
}
