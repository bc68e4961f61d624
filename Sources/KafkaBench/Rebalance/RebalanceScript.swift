/// What happens to the group and the cluster during a rebalance run, e.g.
/// `join@5s, kill@12s, failover@15s:2, rtt@20s:200ms, restart@26s`: consumer steps and broker faults on one timeline.
/// Parsed once by `kbench rebalance` and shared by every assignor's run, which execute the same steps at the same times.
public struct RebalanceScript: Sendable, Equatable, CustomStringConvertible {
    /// A step's action; the raw value is how the script writes it. `leave` and `kill` take the live consumer with the
    /// lowest slot name, so a script acts on the same consumers in every run.
    /// The events CSV's `event` column holds the raw value.
    public enum Action: String, Sendable, Codable, CaseIterable {
        /// Start a new consumer.
        case join
        /// Close a consumer cleanly (leave-group, final commit).
        case leave
        /// SIGKILL a consumer: no leave-group, no commit.
        case kill
        /// Start again the consumer that most recently left or was killed (same name; same group.instance.id with --static).
        case restart
        /// A deploy (`[:GAP]`): each consumer live at the step, in slot order, is stopped cleanly and started again in
        /// its slot (same name; same group.instance.id with --static); the next one only after the previous one
        /// rejoined and GAP passed (see `RollingRestart`).
        case rollingRestart = "rolling-restart"
        /// One consumer stops polling for a while (`:cN:DURATION`), keeping its partitions; past max.poll.interval.ms
        /// librdkafka makes it leave the group, and it rejoins when it polls again.
        case stall
        /// A broker stops (`:BROKER`); the partitions it leads stall until it is back.
        case brokerDown = "broker-down"
        /// A stopped broker comes back (`:BROKER`); leadership stays where it is.
        case brokerUp = "broker-up"
        /// A broker stops and the leadership of every partition it led moves to the other brokers (`:BROKER`).
        case failover
        /// Added round-trip time on every response of one broker or all (`:[BROKER:]DURATION`).
        case rtt
        /// The group's coordinator moves to a broker (`:BROKER`).
        case coordinator
        /// The next N requests of one type fail with an error (`:REQUEST:ERROR:N`).
        case errors

        /// Whether the step acts on the cluster rather than on a consumer.
        public var isBrokerFault: Bool {
            switch self {
            case .join, .leave, .kill, .restart, .rollingRestart, .stall: false
            case .brokerDown, .brokerUp, .failover, .rtt, .coordinator, .errors: true
            }
        }
    }

    /// `errors` step: which request type, which error, how many times.
    /// Parsed from `errors@TIME:REQUEST:ERROR:N`; names are checked against the mock's request and error names.
    public struct RequestErrors: Sendable, Equatable {
        /// The Kafka request type, by API key and by the name the script used ("Fetch").
        public var apiKey: Int16
        public var apiName: String
        /// The Kafka error to answer with, by code and by name ("NOT_LEADER_FOR_PARTITION").
        public var errorCode: Int32
        public var errorName: String
        /// How many of the next such requests fail.
        public var count: Int
    }

    /// One step of the script: an action at a time after the start of traffic, with its argument parsed.
    /// Parsed and checked by `init(parsing:consumers:duration:)`; carried out by the live-traffic mode at `at`.
    public struct Step: Sendable, Equatable {
        /// What the step does; decides which of the optional fields below are set.
        public var action: Action
        /// When it happens, after the start of traffic (steps are strictly increasing, and before the run's end).
        public var at: DurationValue
        /// The broker the step acts on; nil for "all brokers" (rtt) or a real cluster's step left to `--on-event`.
        public var broker: Int32?
        /// `rtt` only: the added round-trip time.
        public var rtt: DurationValue?
        /// `errors` only.
        public var requestErrors: RequestErrors?
        /// `stall` only: the consumer slot ("c01") and how long it stops polling.
        public var consumer: String?
        public var stallDuration: DurationValue?
        /// `rolling-restart` only: the pause after a restarted consumer rejoined before the next one stops (0s by default).
        public var gap: DurationValue?
        /// The text after `ACTION@TIME:` as written ("2", "2:200ms", "Fetch:NOT_LEADER_FOR_PARTITION:5"), or "".
        public var argument: String

        /// A step without consumer or gap fields (set them afterwards); `argument` is the text as written.
        public init(
            action: Action, at: DurationValue, broker: Int32? = nil, rtt: DurationValue? = nil, requestErrors: RequestErrors? = nil, argument: String = ""
        ) {
            self.action = action
            self.at = at
            self.broker = broker
            self.rtt = rtt
            self.requestErrors = requestErrors
            self.argument = argument
        }

        /// `ACTION@TIME[:ARGUMENT]`.
        public var text: String { "\(action.rawValue)@\(at)" + (argument.isEmpty ? "" : ":\(argument)") }
    }

    /// The steps in time order, checked against the consumers live at each one.
    public let steps: [Step]
    /// The script as given on the command line.
    public let text: String

    /// Every accepted step form, for usage errors.
    public static let acceptedForms =
        "comma-separated steps in time order: consumer steps join@TIME, leave@TIME, kill@TIME, restart@TIME, rolling-restart@TIME[:GAP], "
        + "stall@TIME:CONSUMER:DURATION (CONSUMER a slot such as c01, running at TIME; DURATION above 0); broker faults "
        + "broker-down@TIME:BROKER, broker-up@TIME:BROKER, failover@TIME:BROKER, rtt@TIME:[BROKER:]DURATION, coordinator@TIME:BROKER, "
        + "errors@TIME:REQUEST:ERROR:N (e.g. \"join@5s, rolling-restart@8s:2s, stall@30s:c02:8s, failover@40s:2, rtt@45s:200ms, "
        + "errors@50s:Fetch:NOT_LEADER_FOR_PARTITION:5\")"

    /// Parses and checks the script against the starting consumer count and the run's duration.
    public init(parsing text: String, consumers: Int, duration: DurationValue) throws(UsageError) {
        self.text = text
        var steps: [Step] = []
        // consumer slots as the run will name them: c01… at the start, the next number at each join; a restart
        // takes back the slot that most recently left or was killed
        var slots = (1...max(1, consumers)).map(WorkerGroup.consumerName)
        var live = Set(slots.prefix(consumers))
        var gone: [String] = []
        let tokens = text.split(separator: ",", omittingEmptySubsequences: false)
        for raw in tokens {
            let token = raw.trimmingWhitespace()
            /// A usage error quoting the step, why it is refused and every accepted form.
            func fail(_ why: String) -> UsageError { UsageError("invalid --script step '\(token)': \(why). Accepted: \(Self.acceptedForms)") }
            if token.isEmpty {
                if tokens.count == 1 { break }
                throw fail("empty step")
            }
            let step: Step
            do { step = try Self.parseStep(token) } catch { throw fail(error.message) }
            if let last = steps.last, step.at <= last.at {
                throw fail("it is not after the previous step (\(last.text)); steps must be in time order")
            }
            guard step.at < duration else { throw fail("it is not before the end of the run (--duration \(duration))") }
            switch step.action {
            case .join:
                let name = WorkerGroup.consumerName(slots.count + 1)
                slots.append(name)
                live.insert(name)
            case .leave, .kill:
                guard live.count > 1 else { throw fail("it would leave the group without consumers (\(live.count) running at that point)") }
                let name = live.min()!
                live.remove(name)
                gone.append(name)
            case .restart:
                guard let name = gone.popLast() else { throw fail("no consumer has left or been killed before it") }
                live.insert(name)
            case .stall:
                let name = step.consumer ?? ""
                guard slots.contains(name) else {
                    throw fail("consumer \(name) does not exist at \(step.at): the slots then are \(slots.joined(separator: " "))")
                }
                guard live.contains(name) else {
                    throw fail("consumer \(name) is not running at \(step.at) (it left or was killed before; running: \(live.sorted().joined(separator: " ")))")
                }
            case .rollingRestart, .brokerDown, .brokerUp, .failover, .rtt, .coordinator, .errors:
                break
            }
            steps.append(step)
        }
        self.steps = steps
    }

    /// One `ACTION@TIME[:ARGUMENT]` token; the reason when it is malformed.
    static func parseStep(_ token: String) throws(UsageError) -> Step {
        let parts = token.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw UsageError("expected ACTION@TIME") }
        guard let action = Action(rawValue: parts[0].trimmingWhitespace().lowercased()) else {
            throw UsageError("unknown action '\(parts[0])'")
        }
        let fields = parts[1].split(separator: ":", omittingEmptySubsequences: false).map { $0.trimmingWhitespace() }
        let at = try DurationValue(parsing: fields[0])
        let args = Array(fields.dropFirst())
        var step = Step(action: action, at: at, argument: args.joined(separator: ":"))
        /// A broker id: a whole number from 1 (the mock numbers its brokers from 1).
        func broker(_ text: String) throws(UsageError) -> Int32 {
            guard let b = Int32(text), b >= 1 else { throw UsageError("'\(text)' is not a broker id (a whole number from 1)") }
            return b
        }
        switch action {
        case .join, .leave, .kill, .restart:
            guard args.isEmpty else { throw UsageError("\(action.rawValue) takes no argument") }
        case .rollingRestart:
            guard args.count <= 1 else { throw UsageError("expected rolling-restart@TIME or rolling-restart@TIME:GAP") }
            step.gap = DurationValue(nanoseconds: 0)
            if let text = args.first {
                do { step.gap = try DurationValue(parsing: text) } catch { throw UsageError("GAP: \(error.message)") }
            }
        case .stall:
            guard args.count == 2 else { throw UsageError("expected stall@TIME:CONSUMER:DURATION, e.g. stall@5s:c01:8s") }
            guard args[0].lowercased().hasPrefix("c"), let n = Int(args[0].dropFirst()), n >= 1 else {
                throw UsageError("'\(args[0])' is not a consumer slot (c01, c02, …)")
            }
            step.consumer = WorkerGroup.consumerName(n)
            let d: DurationValue
            do { d = try DurationValue(parsing: args[1]) } catch { throw UsageError("DURATION: \(error.message)") }
            guard d.nanoseconds > 0 else { throw UsageError("the stall's DURATION must be above 0 (got \(args[1]))") }
            step.stallDuration = d
        case .brokerDown, .brokerUp, .failover, .coordinator:
            // a real cluster's step may leave the broker to its --on-event command
            guard args.count <= 1 else { throw UsageError("expected \(action.rawValue)@TIME:BROKER") }
            if let a = args.first { step.broker = try broker(a) }
        case .rtt:
            guard args.count == 1 || args.count == 2 else { throw UsageError("expected rtt@TIME:DURATION or rtt@TIME:BROKER:DURATION") }
            if args.count == 2 { step.broker = try broker(args[0]) }
            let rtt = try DurationValue(parsing: args[args.count - 1])
            guard rtt.nanoseconds % 1_000_000 == 0, rtt <= .seconds(60) else {
                throw UsageError("the round-trip time must be whole milliseconds from 0ms to 60s (got \(rtt))")
            }
            step.rtt = rtt
        case .errors:
            guard args.count == 3 else { throw UsageError("expected errors@TIME:REQUEST:ERROR:N") }
            guard let api = MockFaults.apiKey(named: args[0]) else {
                throw UsageError("unknown request '\(args[0])'; accepted: \(MockFaults.apiKeys.map(\.name).joined(separator: ", ")) or a number")
            }
            guard let error = MockFaults.errorCode(named: args[1]) else {
                throw UsageError("unknown error '\(args[1])': use librdkafka's name without RD_KAFKA_RESP_ERR_ (e.g. NOT_LEADER_FOR_PARTITION) or a number")
            }
            guard let n = Int(args[2]), (1...10_000).contains(n) else { throw UsageError("N must be a whole number from 1 to 10000 (got '\(args[2])')") }
            step.requestErrors = RequestErrors(apiKey: api.key, apiName: api.name, errorCode: error.code, errorName: error.name, count: n)
        }
        return step
    }

    /// Checks the broker faults against the cluster: `embeddedBrokers` brokers of the embedded cluster, or nil for a
    /// real cluster, where kbench cannot act itself and every broker fault needs a command (`commands`, by step index).
    public func checkFaults(embeddedBrokers: Int?, commands: [Int: String]) throws(UsageError) {
        for (i, step) in steps.enumerated() where step.action.isBrokerFault {
            guard let n = embeddedBrokers else {
                guard commands[i] != nil else {
                    throw UsageError(
                        "the step '\(step.text)' faults a broker, and on a real cluster (--bootstrap) kbench cannot do that itself: "
                            + "give the command that does it with --on-event '\(step.text)=COMMAND' (e.g. --on-event '\(step.text)=kubectl delete pod kafka-2'); "
                            + "kbench runs it at that moment and records its exit status and output")
                }
                continue
            }
            /// A usage error quoting the step and why the cluster cannot carry it out.
            func fail(_ why: String) -> UsageError { UsageError("invalid --script step '\(step.text)': \(why)") }
            switch step.action {
            case .brokerDown, .brokerUp, .failover, .coordinator:
                guard let b = step.broker else { throw fail("name the broker, e.g. \(step.action.rawValue)@\(step.at):2") }
                guard b <= n else { throw fail("broker \(b) does not exist: the embedded cluster has brokers 1 to \(n) (--embedded-brokers \(n))") }
                if step.action == .failover && n < 2 {
                    throw fail("a failover needs another broker to take over: use --embedded-brokers 3")
                }
            case .rtt:
                if let b = step.broker, b > n { throw fail("broker \(b) does not exist: the embedded cluster has brokers 1 to \(n)") }
            default: break
            }
        }
    }

    /// Brokers the script stops (`broker-down`, `failover`).
    public var brokersTakenDown: Set<Int32> {
        Set(steps.filter { $0.action == .brokerDown || $0.action == .failover }.compactMap(\.broker))
    }

    /// Where kbench places the group's coordinator at the start of an embedded run with broker faults: the lowest
    /// broker the script does not take down, so that stopping a partition leader is not also a coordinator loss
    /// (with broker 1 pinned, "broker-down@5s:1" tore the group apart: owners c01:0+1, 2–5 unowned). Losing the
    /// coordinator is then only what `coordinator@…` or taking down every broker asks for. `takenDown` is true when
    /// every broker is taken down at some point (the coordinator, broker 1, goes down too).
    public func coordinatorPlacement(brokers: Int) -> (broker: Int32, takenDown: Bool) {
        let down = brokersTakenDown
        if let b = (1...Int32(max(1, brokers))).first(where: { !down.contains($0) }) { return (b, false) }
        return (1, true)
    }

    /// Resolves `--on-event 'STEP=COMMAND'` texts to the script's steps (by index). STEP is `ACTION@TIME` or the
    /// step's full text; each must name exactly one step, and a step takes one command.
    public func commands(_ onEvent: [String]) throws(UsageError) -> [Int: String] {
        var out: [Int: String] = [:]
        for spec in onEvent {
            guard let eq = spec.firstIndex(of: "="), !spec[spec.index(after: eq)...].trimmingWhitespace().isEmpty else {
                throw UsageError("invalid --on-event '\(spec)': expected STEP=COMMAND, e.g. 'broker-down@10s=kubectl delete pod kafka-2'")
            }
            let key = spec[..<eq].trimmingWhitespace()
            let command = spec[spec.index(after: eq)...].trimmingWhitespace()
            let wanted: Step
            do { wanted = try Self.parseStep(key) } catch {
                throw UsageError("invalid --on-event '\(spec)': '\(key)' is not a step (\(error.message))")
            }
            let matches = steps.indices.filter {
                steps[$0].action == wanted.action && steps[$0].at == wanted.at && (wanted.argument.isEmpty || wanted.argument == steps[$0].argument)
            }
            guard let i = matches.first else {
                throw UsageError("--on-event '\(key)' names no step of --script (\(description))")
            }
            guard out[i] == nil else { throw UsageError("--on-event gives the step '\(steps[i].text)' two commands") }
            out[i] = command
        }
        return out
    }

    /// The parsed steps, normalised: "join@5s, kill@12s".
    public var description: String { steps.map(\.text).joined(separator: ", ") }
}
