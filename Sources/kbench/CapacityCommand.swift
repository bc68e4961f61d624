import ArgumentParser
import CSupport
import Foundation
import KafkaBench

/// `kbench capacity`: how many consumers keep lag under a bound at a target event rate (open loop), or the highest
/// rate each consumer count sustains, measured, with the model beside it.
struct CapacityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capacity",
        abstract: "Find how many consumers keep lag under a bound at a target event rate (open loop).",
        discussion: """
            Example: kbench capacity --partitions 10 --consumers 1...10 --rate 5000 --max-lag 5s --work sleep:1ms
            For each consumer count, producers send keyed events at --rate on a fixed schedule (each stamped with its
            intended send time) for --duration, and the group's lag is sampled every 100 ms. A count sustains the rate
            when its lag stays bounded and the p99 lag in time stays within --max-lag. With --find-max-rate, each count's
            highest sustainable rate is searched instead (to within 5%). r1, one consumer's closed-loop rate, is measured
            first (unless --r1 gives it) for the model.
            """)

    @Option(help: "Partitions of each trial's topic.") var partitions: Int
    @Option(
        help: ArgumentHelp("Consumer counts to try.", valueName: "set"),
        transform: { try parseArgument($0) { (t) throws(UsageError) in try IntegerSet(parsing: t, name: "--consumers", limit: 100) } })
    var consumers: IntegerSet
    @Option(help: ArgumentHelp("Target events per second (with --find-max-rate: the first rate tried).", valueName: "events/s"))
    var rate: Double?
    @Option(
        help: ArgumentHelp("Bound on lag in time: the p99 age of the oldest unconsumed event.", valueName: "duration"),
        transform: { try parseArgument($0, DurationValue.init(parsing:)) })
    var maxLag: DurationValue
    @Flag(help: "For each consumer count, search the highest rate that sustains (bracket, then bisect to within 5%).")
    var findMaxRate = false
    @Option(
        help: ArgumentHelp("Length of each trial's traffic.", valueName: "duration"), transform: { try parseArgument($0, DurationValue.init(parsing:)) })
    var duration: DurationValue = CapacityConfiguration.standard.duration
    @Option(
        help: ArgumentHelp("Start of each trial left out of the lag percentiles and latency.", valueName: "duration"),
        transform: { try parseArgument($0, DurationValue.init(parsing:)) })
    var warmup: DurationValue = CapacityConfiguration.standard.warmup
    @Option(
        help: ArgumentHelp("Classic-protocol assignor: range, roundrobin or cooperative-sticky (default: range).", valueName: "assignor"),
        transform: { try parseArgument($0, Assignor.parseList) })
    var assignor: [Assignor]?
    @OptionGroup(title: "Group protocol") var protocols: GroupProtocolOptions
    @OptionGroup(title: "Group timers") var groupTimers: GroupTimerOptions
    @Option(
        help: ArgumentHelp("Per-message work: none, sleep:DURATION or spin:DURATION.", valueName: "model"),
        transform: { try parseArgument($0, WorkModel.init(parsing:)) })
    var work: WorkModel = CapacityConfiguration.standard.work
    @Option(
        help: ArgumentHelp("auto, auto-store, sync, async or none.", valueName: "mode"), transform: { try parseArgument($0, CommitMode.init(parsing:)) })
    var commit: CommitMode = CapacityConfiguration.standard.commit
    @Option(help: "Producer processes sharing the schedule (when one cannot keep up).") var producers: Int = CapacityConfiguration.standard.producers
    @Option(help: "Distinct user keys.") var keys: Int = CapacityConfiguration.standard.keys
    @Option(help: "Bytes per event value.") var valueBytes: Int = CapacityConfiguration.standard.valueBytes
    @Option(help: ArgumentHelp("One consumer's rate to use instead of measuring it (events/s).", valueName: "events/s")) var r1: Double?
    @Option(
        help: ArgumentHelp("Bound for a trial's group to become stable.", valueName: "duration"),
        transform: { try parseArgument($0, DurationValue.init(parsing:)) })
    var joinTimeout: DurationValue = CapacityConfiguration.standard.joinTimeout
    @Option(help: "Brokers of the embedded cluster (without --bootstrap).") var embeddedBrokers: Int = CapacityConfiguration.standard.embeddedBrokers
    @Option(help: "Prefix of the topics and groups kbench creates.") var topicPrefix: String = CapacityConfiguration.standard.topicPrefix
    @Option(
        help: ArgumentHelp("Trials CSV (default Results/capacity-<UTC timestamp>.csv); the time series, metadata and r1 trial go beside it.", valueName: "path")
    )
    var out: String?
    @Flag(help: "Do not render plots and the summary at the end.") var noReport = false
    @OptionGroup(title: "Cluster") var connection: ConnectionOptions
    @OptionGroup(title: "Placement") var placement: PlacementOptions

    func makeConfiguration() throws -> CapacityConfiguration {
        var c = CapacityConfiguration(partitions: partitions, consumers: consumers.values, rate: rate, maxLag: maxLag)
        c.findMaxRate = findMaxRate
        c.duration = duration
        c.warmup = warmup
        c.assignor = protocols.strategies(assignors: assignor, defaultAssignors: [CapacityConfiguration.standard.assignor]).first ?? .range
        c.work = work
        c.commit = commit
        c.producers = producers
        c.keys = keys
        c.valueBytes = valueBytes
        c.r1 = r1
        c.joinTimeout = joinTimeout
        c.groupTimers = groupTimers.timers
        c.embeddedBrokers = embeddedBrokers
        c.topicPrefix = topicPrefix
        c.userProperties = try connection.userProperties()
        c.agents = try placement.settings()
        return c
    }

    func validate() throws {
        if let assignor, assignor.count != 1 {
            throw ValidationError(
                "--assignor takes one assignor for a capacity run (got \(assignor.map(\.rawValue).joined(separator: ","))): run once per assignor")
        }
        guard protocols.groupProtocol.count == 1 else {
            throw ValidationError("--group-protocol takes one protocol for a capacity run (classic or consumer): run once per protocol")
        }
        try protocols.check(assignorGiven: assignor != nil)
        if case .batch = commit { throw ValidationError("--commit batch:N is for 'kbench rebalance'; capacity accepts auto, auto-store, sync, async or none") }
        guard (1...32).contains(embeddedBrokers) else { throw ValidationError("--embedded-brokers must be between 1 and 32") }
        try placement.requireSharedCluster(bootstrap: connection.effectiveBootstrap, topics: "capacity creates a topic per trial")
        let c = try makeConfiguration()
        try wrap { try c.validate() }
        if connection.effectiveBootstrap == nil, let rate, !findMaxRate { try wrap { try c.checkEmbeddedRetention(rate: rate) } }
    }

    func run() throws {
        kbench_install_stop_handler()
        let c = try makeConfiguration()
        let path = out ?? ResultPaths.timestampedCSV("capacity")
        let cluster = try connection.connect(embeddedBrokers: c.embeddedBrokers)
        let runner = try CapacityRunner(
            configuration: c, cluster: cluster, csvPath: path,
            commandLine: RunMetadata.invokedCommandLine)
        let what = c.findMaxRate ? "highest sustainable rate" : "\(Int(c.rate!)) events/s"
        Console.info("kbench capacity: \(what), p99 lag ≤ \(c.maxLag), C = \(consumers.text), P = \(c.partitions); results in \(path)")
        let outcome = try runner.run { event in
            switch event {
            case .note(let text): Console.info(text)
            case .trialPhase(let n, let rate, let phase): Console.info("C = \(n) at \(Int(rate))/s: \(phase)")
            case .trialDone(let row, let index, let elapsed):
                Console.info(
                    "trial \(index) (\(Int(elapsed)) s): C = \(row.consumers) at \(Int(row.targetRate))/s → \(row.verdict.rawValue): \(row.reason)")
            }
        }
        Console.output(CapacityReport.table(outcome.rows))
        Console.output(CapacityReport.answer(outcome.rows))
        Console.info("results: \(outcome.files.csv)\ntime series: \(outcome.files.timeseries)\nmetadata: \(outcome.files.metadata)")
        if !noReport && !outcome.rows.isEmpty { ReportHook.run(csvPath: outcome.files.csv) }
        if outcome.interrupted {
            Console.info("interrupted: \(outcome.rows.count) finished trial(s) kept in \(outcome.files.csv); all consumer and producer processes ended")
            throw KBenchExit.interrupted
        }
        if outcome.failedTrials > 0 || outcome.invalidTrials > 0 {
            Console.info(
                "\(outcome.failedTrials) trial(s) failed and \(outcome.invalidTrials) were invalid (the producers fell behind); see the reason column")
            throw KBenchExit.measuredFailure
        }
    }
}
