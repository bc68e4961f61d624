import ArgumentParser
import CSupport
import Foundation
import KafkaBench

/// `kbench sweep`: consumer processes against partitions, per assignor.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Measure consumer-group throughput for every (partitions, consumers, assignor) combination.",
        discussion: """
            Each consumer is its own process. Each trial uses a fresh group that starts from the beginning of a \
            backlog seeded once per partition count. Numbers accept 10, 6,10,20, 1...15, 1..<16 or 2...16:2.
            """)

    @Option(
        help: ArgumentHelp("Partitions per topic.", valueName: "set"),
        transform: { try parseArgument($0) { (t) throws(UsageError) in try IntegerSet(parsing: t, name: "--partitions") } })
    var partitions: IntegerSet

    @Option(
        help: ArgumentHelp("Consumers (processes) in the group.", valueName: "set"),
        transform: { try parseArgument($0) { (t) throws(UsageError) in try IntegerSet(parsing: t, name: "--consumers", limit: 200) } })
    var consumers: IntegerSet

    @Option(
        help: ArgumentHelp("Classic-protocol assignors: range, roundrobin, cooperative-sticky, all, or a list (default: range).", valueName: "assignors"),
        transform: { try parseArgument($0, Assignor.parseList) })
    var assignor: [Assignor]?

    @OptionGroup(title: "Group protocol") var protocols: GroupProtocolOptions

    @OptionGroup(title: "Group timers") var groupTimers: GroupTimerOptions

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Topics the group subscribes to, each with --partitions partitions.", default: SweepConfiguration.standard.topics, valueName: "count"),
        transform: NumberArgument.whole("--topics", 1...20))
    var topics: Int = SweepConfiguration.standard.topics

    @Option(
        help: ArgumentHelp("Per-message work: none, sleep:DURATION or spin:DURATION.", default: SweepConfiguration.standard.work, valueName: "model"),
        transform: { try parseArgument($0, WorkModel.init(parsing:)) })
    var work: WorkModel = SweepConfiguration.standard.work

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Messages per topic (default: sized so no partition drains inside the window).", valueName: "count"),
        transform: NumberArgument.whole("--messages", 1...Int.max))
    var messages: Int?

    @Option(
        parsing: .unconditional, help: ArgumentHelp("Distinct keys (user ids).", default: SweepConfiguration.standard.keys, valueName: "count"),
        transform: NumberArgument.whole("--keys", 1...Int.max))
    var keys: Int = SweepConfiguration.standard.keys

    @Option(
        help: ArgumentHelp("uniform or zipf:S.", default: SweepConfiguration.standard.keyDistribution, valueName: "distribution"),
        transform: { try parseArgument($0, KeyDistribution.init(parsing:)) })
    var keyDistribution: KeyDistribution = SweepConfiguration.standard.keyDistribution

    @Option(
        parsing: .unconditional, help: ArgumentHelp("Bytes per event value.", default: SweepConfiguration.standard.valueBytes, valueName: "bytes"),
        transform: NumberArgument.whole("--value-bytes", EventRecord.headerSize...1_000_000))
    var valueBytes: Int = SweepConfiguration.standard.valueBytes

    @Option(
        help: ArgumentHelp(
            "window (throughput over --warmup then --duration) or drain (time to consume the backlog, bounded by --trial-timeout).",
            default: SweepConfiguration.standard.mode.rawValue, valueName: "window|drain"),
        transform: {
            try parseArgument($0) { (t) throws(UsageError) in
                guard let m = SweepMode(rawValue: t.lowercased()) else { throw UsageError("invalid mode '\(t)': accepted forms are window or drain") }
                return m
            }
        })
    var mode: SweepMode = SweepConfiguration.standard.mode

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Measurement window (window mode only).", default: SweepConfiguration.standard.duration, valueName: "duration"),
        transform: { try parseArgument($0, DurationValue.init(parsing:)) })
    var duration: DurationValue?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Time between 'go' and the window's start (window mode only).", default: SweepConfiguration.standard.warmup, valueName: "duration"),
        transform: { try parseArgument($0, DurationValue.init(parsing:)) })
    var warmup: DurationValue?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Consumer count the model is scaled from (default: the smallest); added to --consumers when missing, e.g. --baseline 1.", valueName: "count"),
        transform: NumberArgument.whole("--baseline", 1...200))
    var baseline: Int?

    @Option(
        name: .customLong("repeat"), parsing: .unconditional,
        help: ArgumentHelp("Runs per point; medians and min/max are reported.", default: SweepConfiguration.standard.repeats, valueName: "count"),
        transform: NumberArgument.whole("--repeat", 1...100))
    var repeats: Int = SweepConfiguration.standard.repeats

    @Option(
        help: ArgumentHelp("\(CommitMode.acceptedFormsWithoutBatch).", default: SweepConfiguration.standard.commit, valueName: "mode"),
        transform: { try parseArgument($0) { (t) throws(UsageError) in try CommitMode(parsing: t, command: "the sweep", allowingBatch: false) } })
    var commit: CommitMode = SweepConfiguration.standard.commit

    @Flag(help: "Stop at the first failed trial.") var failFast = false

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Bound for a trial's group to become stable.", default: SweepConfiguration.standard.joinTimeout, valueName: "duration"),
        transform: { try parseArgument($0, DurationValue.init(parsing:)) })
    var joinTimeout: DurationValue = SweepConfiguration.standard.joinTimeout

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Bound for one drain (drain mode only).", default: SweepConfiguration.standard.trialTimeout, valueName: "duration"),
        transform: { try parseArgument($0, DurationValue.init(parsing:)) })
    var trialTimeout: DurationValue?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Brokers of the embedded cluster (without --bootstrap).", default: SweepConfiguration.standard.embeddedBrokers, valueName: "count"),
        transform: NumberArgument.whole("--embedded-brokers", 1...32))
    var embeddedBrokers: Int?

    @Option(help: ArgumentHelp("Prefix of the topics (<prefix>-p<P>-t<i>) and groups kbench creates.", valueName: "prefix"))
    var topicPrefix: String = SweepConfiguration.standard.topicPrefix

    @Option(
        parsing: .unconditional, help: ArgumentHelp("Replication factor of created topics (default: min(3, brokers)).", valueName: "count"),
        transform: NumberArgument.whole("--replication-factor", 1...Int.max))
    var replicationFactor: Int?

    @Flag(help: "Delete and recreate existing kbench topics whose partition count or content does not match (real clusters).")
    var recreate = false

    @Flag(help: "At the end, delete the topics and groups this run created (never any other).") var cleanup = false

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Bound for creating or deleting a topic.", default: SweepConfiguration.standard.createTimeout, valueName: "duration"),
        transform: { try parseArgument($0, DurationValue.init(parsing:)) })
    var createTimeout: DurationValue = SweepConfiguration.standard.createTimeout

    @Option(help: ArgumentHelp("Results CSV (default: Results/sweep-<UTC timestamp>.csv).", valueName: "path"))
    var out: String?

    @Flag(help: "Do not render plots and the summary at the end.") var noReport = false

    @OptionGroup(title: "Cluster") var connection: ConnectionOptions

    @OptionGroup(title: "Placement") var placement: PlacementOptions

    func makeConfiguration() throws -> SweepConfiguration {
        var c = SweepConfiguration(partitions: partitions.values, consumers: consumers.values)
        c.assignors = protocols.strategies(assignors: assignor, defaultAssignors: SweepConfiguration.standard.assignors)
        c.topics = topics
        c.work = work
        c.messages = messages
        c.keys = keys
        c.keyDistribution = keyDistribution
        c.valueBytes = valueBytes
        c.mode = mode
        c.duration = duration ?? SweepConfiguration.standard.duration
        c.warmup = warmup ?? SweepConfiguration.standard.warmup
        c.repeats = repeats
        c.commit = commit
        c.failFast = failFast
        c.joinTimeout = joinTimeout
        c.groupTimers = groupTimers.timers
        c.trialTimeout = trialTimeout ?? SweepConfiguration.standard.trialTimeout
        c.embeddedBrokers = embeddedBrokers ?? SweepConfiguration.standard.embeddedBrokers
        c.topicPrefix = topicPrefix
        c.replicationFactor = replicationFactor
        c.recreate = recreate
        c.cleanup = cleanup
        c.createTimeout = createTimeout
        c.userProperties = try connection.userProperties()
        c.agents = try placement.settings()
        if let baseline { c.setBaseline(baseline) }
        return c
    }

    func validate() throws {
        try connection.checkEmbeddedBrokers(embeddedBrokers)
        let c = try makeConfiguration()
        try wrap { try c.validate() }
        if assignor?.isEmpty == true { throw ValidationError("--assignor is empty: accepted forms are \(Assignor.acceptedForms)") }
        try groupTimers.check(groupProtocols: protocols.groupProtocol)
        try protocols.check(assignorGiven: assignor != nil)
        try placement.requireSharedCluster(bootstrap: connection.effectiveBootstrap, topics: nil)
        try checkModeOptions()
    }

    /// Refuses the options the chosen mode would ignore: a drain runs until the backlog is consumed, a window
    /// for --warmup then --duration.
    func checkModeOptions() throws {
        switch mode {
        case .drain:
            let given = [duration.map { "--duration \($0)" }, warmup.map { "--warmup \($0)" }].compactMap { $0 }
            guard given.isEmpty else {
                throw ValidationError(
                    "\(given.joined(separator: " and ")) set\(given.count == 1 ? "s" : "") the measurement window of --mode window; --mode drain "
                        + "measures until the backlog is consumed (bounded by --trial-timeout, size it with --messages): drop \(given.count == 1 ? "it" : "them") or use --mode window"
                )
            }
        case .window:
            if let trialTimeout {
                throw ValidationError(
                    "--trial-timeout \(trialTimeout) bounds a drain (--mode drain); a window trial lasts --warmup then --duration: drop it or use --mode drain")
            }
        }
    }

    func run() throws {
        kbench_install_stop_handler()
        let configuration = try makeConfiguration()
        let path = out ?? ResultPaths.timestampedCSV("sweep")
        let cluster = try connection.connect(embeddedBrokers: configuration.embeddedBrokers)
        let runner = try SweepRunner(
            configuration: configuration, cluster: cluster, csvPath: path,
            commandLine: RunMetadata.invokedCommandLine)
        let display = SweepDisplay(interactive: Console.stderrIsTerminal)
        Console.info("kbench sweep: \(configuration.points.count) trial(s), results in \(path)")
        Console.info("model scaled from C = \(configuration.baselineConsumers)")
        for w in configuration.baselineWarnings { Console.info("warning: \(w)") }
        let outcome = try runner.run(progress: display.show)
        display.finish()
        Console.output(SweepTable.render(outcome.rows))
        Console.info("results: \(outcome.csvPath)\nmetadata: \(outcome.metadataPath)")
        if !noReport && !outcome.rows.isEmpty { RunReport.afterRun(csvPath: outcome.csvPath).forEach(Console.info) }
        if outcome.interrupted {
            Console.info("interrupted: \(outcome.rows.count) finished trial(s) kept in \(outcome.csvPath); all consumer processes ended")
            throw KBenchExit.interrupted
        }
        if outcome.failedTrials > 0 {
            Console.info("\(outcome.failedTrials) trial(s) failed (lost messages: \(outcome.lostTotal)); see the reason column")
            throw KBenchExit.measuredFailure
        }
    }
}
