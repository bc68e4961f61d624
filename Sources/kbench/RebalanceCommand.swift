import ArgumentParser
import CSupport
import Foundation
import KafkaBench

/// `kbench rebalance`: consumers join, leave and crash, and brokers fail, under live traffic; per assignor and
/// event, the detection time, rebalance time, stalls, lag, partitions moved, latency, duplicates, losses, per-key
/// order and the producer's side.
struct RebalanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebalance",
        abstract: "Measure rebalances and broker faults while consumers join, leave and crash under steady keyed traffic.",
        discussion: """
            Example: kbench rebalance --partitions 6 --consumers 3 --script "join@5s, kill@12s, leave@20s, restart@26s" --assignor all --rate 2000 --duration 35s
            leave and kill act on the live consumer with the lowest name; restart restarts the consumer that left or died last. \
            A deploy, rolling-restart@5s or rolling-restart@5s:2s: each running consumer in turn (c01, c02, …) leaves cleanly and \
            starts again in its slot; the next one after the previous one rejoined, plus the GAP. stall@5s:c01:8s: c01 stops \
            polling for 8s, keeping its partitions; with --max-poll-interval below 8s it leaves the group and rejoins when it polls again. \
            Broker faults (embedded cluster, e.g. --embedded-brokers 3): broker-down@10s:2, broker-up@20s:2, failover@10s:2 (down, and \
            its partitions' leadership moves to the other brokers), rtt@5s:50ms or rtt@5s:2:200ms (added round-trip time; 0ms removes it), \
            coordinator@12s:3 (moves the group's coordinator), errors@8s:Fetch:NOT_LEADER_FOR_PARTITION:5 (the next 5 such requests fail). \
            On a real cluster kbench cannot fault brokers itself: give each broker step a command with --on-event, e.g. \
            --script "broker-down@10s" --on-event 'broker-down@10s=kubectl delete pod kafka-2'.
            """)

    @Option(
        parsing: .unconditional, help: ArgumentHelp("Partitions of the topic.", valueName: "count"),
        transform: NumberArgument.whole("--partitions", 1...1000, oneOf: ("rebalance", "partition count")))
    var partitions: Int
    @Option(
        parsing: .unconditional, help: ArgumentHelp("Consumers at the start.", valueName: "count"),
        transform: NumberArgument.whole("--consumers", 1...100, oneOf: ("rebalance", "consumer count")))
    var consumers: Int
    @Option(
        help: ArgumentHelp(
            "Steps like \"join@5s, kill@12s, leave@20s, restart@26s\"; also rolling-restart@TIME[:GAP] and stall@TIME:CONSUMER:DURATION.",
            valueName: "steps"))
    var script: String
    @Option(
        help: ArgumentHelp("Classic-protocol assignors: range, roundrobin, cooperative-sticky, all, or a list (default: range).", valueName: "assignors"),
        transform: { try parseArgument($0, Assignor.parseList) })
    var assignor: [Assignor]?
    @OptionGroup(title: "Group protocol") var protocols: GroupProtocolOptions
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Events per second for the whole run.", default: Int(RebalanceConfiguration.standard.rate), valueName: "events/s"),
        transform: NumberArgument.rate("--rate"))
    var rate: Double = RebalanceConfiguration.standard.rate
    @Option(
        parsing: .unconditional, help: ArgumentHelp("Length of the traffic (per assignor).", valueName: "duration"),
        transform: { try parseArgument($0, DurationValue.init(parsing:)) })
    var duration: DurationValue
    @Option(
        help: ArgumentHelp(
            "\(CommitMode.acceptedForms). Manual commits (sync, async, batch:N) are held while a member rebalances, as auto-commit does.",
            default: RebalanceConfiguration.standard.commit, valueName: "mode"),
        transform: { try parseArgument($0, CommitMode.init(parsing:)) })
    var commit: CommitMode = RebalanceConfiguration.standard.commit
    @Flag(
        help: ArgumentHelp(
            "Send manual commits even while a member rebalances: measures librdkafka without kbench's commit gate "
                + "(before librdkafka 2.10 a cooperative group can then livelock; see docs/rebalance.md)."))
    var noCommitGate = false
    @Flag(help: "After each assignor's run, delete the topic and group it created (never any other).") var cleanup = false
    @Flag(
        help: ArgumentHelp(
            "Static membership (KIP-345): each consumer slot keeps its group.instance.id across restarts. On a real cluster; on the "
                + "embedded broker only under --group-protocol consumer (its classic coordinator ignores the id)."))
    var staticMembership = false
    /// `--static`, the old spelling of `--static-membership`.
    @Flag(name: .customLong("static"), help: .hidden) var oldStatic = false
    @Option(
        help: ArgumentHelp(
            "The group's session timeout: session.timeout.ms under the classic protocol; under the consumer protocol the embedded broker's setting (a real cluster's is its own). "
                + "Without this option, a --max-poll-interval below the default lowers it to that (librdkafka requires max.poll.interval.ms ≥ session.timeout.ms).",
            default: RebalanceConfiguration.standard.sessionTimeout, valueName: "duration"),
        transform: { try parseArgument($0, DurationValue.init(parsing:)) })
    var sessionTimeout: DurationValue?
    @Option(
        help: ArgumentHelp(
            "The members' heartbeat interval: heartbeat.interval.ms, or the embedded broker's setting under the consumer protocol.",
            default: RebalanceConfiguration.standard.heartbeatInterval, valueName: "duration"),
        transform: { try parseArgument($0, DurationValue.init(parsing:)) })
    var heartbeatInterval: DurationValue?
    @Option(
        help: ArgumentHelp("max.poll.interval.ms.", default: RebalanceConfiguration.standard.maxPollInterval, valueName: "duration"),
        transform: { try parseArgument($0, DurationValue.init(parsing:)) })
    var maxPollInterval: DurationValue = RebalanceConfiguration.standard.maxPollInterval
    @Option(
        help: ArgumentHelp("Per-message work: none, sleep:DURATION or spin:DURATION.", default: RebalanceConfiguration.standard.work, valueName: "model"),
        transform: { try parseArgument($0, WorkModel.init(parsing:)) })
    var work: WorkModel = RebalanceConfiguration.standard.work
    @Option(
        parsing: .unconditional, help: ArgumentHelp("Bytes per event value.", default: RebalanceConfiguration.standard.valueBytes, valueName: "bytes"),
        transform: NumberArgument.whole("--value-bytes", EventRecord.headerSize...1_000_000))
    var valueBytes: Int = RebalanceConfiguration.standard.valueBytes
    @Option(
        help: ArgumentHelp(
            "Bound for draining what was produced after the traffic stops.", default: RebalanceConfiguration.standard.drainTimeout, valueName: "duration"),
        transform: { try parseArgument($0, DurationValue.init(parsing:)) })
    var drainTimeout: DurationValue = RebalanceConfiguration.standard.drainTimeout
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Brokers of the embedded cluster (without --bootstrap).", default: RebalanceConfiguration.standard.embeddedBrokers, valueName: "count"),
        transform: NumberArgument.whole("--embedded-brokers", 1...32))
    var embeddedBrokers: Int?
    @Option(
        name: .customLong("on-event"),
        help: ArgumentHelp(
            "Run COMMAND (/bin/sh -c) at a script step and record its exit status and output, e.g. 'broker-down@10s=kubectl delete pod kafka-2' (repeatable).",
            valueName: "step=command"))
    var onEvent: [String] = []
    @Option(help: ArgumentHelp("Timeline CSV (default: Results/rebalance-<UTC timestamp>.csv); events CSV and metadata go beside it.", valueName: "path"))
    var out: String?
    @Option(help: ArgumentHelp("Where the gnuplot timeline goes (default: beside the CSV, or plots/ beside a Results/ directory).", valueName: "dir"))
    var plotsDir: String?
    @Flag(help: "Do not run gnuplot (the script is still written).") var noReport = false
    @OptionGroup(title: "Cluster") var connection: ConnectionOptions
    @OptionGroup(title: "Placement") var placement: PlacementOptions

    func makeConfiguration() throws -> RebalanceConfiguration {
        let parsed = try wrap { try RebalanceScript(parsing: script, consumers: consumers, duration: duration) }
        var c = RebalanceConfiguration(partitions: partitions, consumers: consumers, script: parsed, duration: duration)
        c.assignors = protocols.strategies(assignors: assignor, defaultAssignors: RebalanceConfiguration.standard.assignors)
        c.rate = rate
        c.commit = commit
        c.commitGate = !noCommitGate
        c.work = work
        c.staticMembership = staticMembership || oldStatic
        c.cleanup = cleanup
        // librdkafka refuses max.poll.interval.ms < session.timeout.ms: a short --max-poll-interval (a stall step's
        // run) lowers the default session timeout with it; one the user gave is checked by validate()
        c.sessionTimeout = sessionTimeout ?? min(RebalanceConfiguration.standard.sessionTimeout, maxPollInterval)
        c.heartbeatInterval = heartbeatInterval ?? RebalanceConfiguration.standard.heartbeatInterval
        c.maxPollInterval = maxPollInterval
        c.valueBytes = valueBytes
        c.drainTimeout = drainTimeout
        c.embeddedBrokers = embeddedBrokers ?? RebalanceConfiguration.standard.embeddedBrokers
        c.userProperties = try connection.userProperties()
        c.onEvent = onEvent
        c.agents = try placement.settings()
        return c
    }

    func validate() throws {
        try placement.requireSharedCluster(bootstrap: connection.effectiveBootstrap, topics: "rebalance creates a topic per run")
        let c = try makeConfiguration()
        try wrap { try c.validate() }
        // refused here, before any connection: a broker fault on a real cluster needs the user's command
        try connection.checkEmbeddedBrokers(embeddedBrokers)
        try wrap { try c.checkFaults(embeddedBrokers: connection.effectiveBootstrap == nil ? c.embeddedBrokers : nil) }
        try checkIgnoredOptions()
        if assignor?.isEmpty == true { throw ValidationError("--assignor is empty: accepted forms are \(Assignor.acceptedForms)") }
        try protocols.check(assignorGiven: assignor != nil)
        if connection.effectiveBootstrap == nil && c.sessionTimeout.nanoseconds <= 3_500_000_000 {
            throw ValidationError(
                "--session-timeout \(c.sessionTimeout) is too short for the embedded broker, whose first rebalance waits 3 s: use at least 4s (6s works well)")
        }
        if connection.effectiveBootstrap != nil && protocols.groupProtocol.contains(.consumer) && (sessionTimeout != nil || heartbeatInterval != nil) {
            throw ValidationError(
                "--session-timeout and --heartbeat-interval are broker configuration under --group-protocol consumer "
                    + "(group.consumer.session.timeout.ms and group.consumer.heartbeat.interval.ms on your cluster): set them there, "
                    + "or run the classic protocol on its own to set its client-side timers")
        }
    }

    /// Refuses options this run would ignore: the commit gate holds manual commits only, and static membership
    /// needs a real cluster (the embedded broker ignores group.instance.id).
    func checkIgnoredOptions() throws {
        switch commit {
        case .sync, .async, .batch: break
        case .auto, .autoStore, .none:
            if noCommitGate {
                throw ValidationError(
                    "--no-commit-gate affects manual commits only (--commit sync, async or batch:N), and --commit is \(commit): drop it or choose a manual mode"
                )
            }
        }
        if staticMembership && oldStatic { throw ValidationError("--static is the old spelling of --static-membership: give --static-membership once") }
        try wrap { try makeConfiguration().checkStaticMembership(embedded: connection.effectiveBootstrap == nil) }
    }

    func run() throws {
        kbench_install_stop_handler()
        if let note = RenamedOption.note(old: oldStatic ? true : nil, "--static", "--static-membership") { Console.info(note) }
        let c = try makeConfiguration()
        let path = out ?? ResultPaths.timestampedCSV("rebalance")
        // refuse an unwritable or existing output before connecting (and leave nothing behind)
        try RebalanceRun.checkOutput(path)
        let run = try RebalanceRun(
            configuration: c, cluster: try connection.connect(embeddedBrokers: c.embeddedBrokers), csvPath: path,
            plotsDir: plotsDir ?? ResultPaths.defaultPlotsDirectory(forCSV: path), commandLine: RunMetadata.invokedCommandLine, render: !noReport)
        run.onProgress = { Console.info($0) }
        let outcome = try run.run()
        if outcome.interrupted {
            Console.info("interrupted; every consumer process ended" + (outcome.analyses.isEmpty ? "" : "; the finished assignors are kept in \(path)"))
            throw KBenchExit.interrupted
        }
        Console.output(RebalanceOutput.summary(outcome.analyses, embeddedTimers: outcome.embeddedTimers))
        if let files = outcome.files { Console.info(files.listing) }
        if outcome.lost > 0 {
            Console.info(
                "\(outcome.lost) message(s) were produced but never processed while later ones were (commit mode \(c.commit)); see the events and totals CSVs")
        }
        if outcome.undrained > 0 {
            Console.info(
                "\(outcome.undrained) message(s) were still unconsumed when the final drain gave up (--drain-timeout \(c.drainTimeout)): "
                    + "the group was not consuming them; see the totals CSV")
        }
        if outcome.lost > 0 || outcome.undrained > 0 { throw KBenchExit.measuredFailure }
    }
}
