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
            For each consumer count, producers send keyed events at --rate on a fixed schedule (each stamped with its \
            intended send time) for --duration, and the group's lag is sampled every 100 ms. A count sustains the rate \
            when its lag stays bounded and the p99 lag in time stays within --max-lag. With --find-max-rate, each count's \
            highest sustainable rate is searched instead (to within 5%). r1, one consumer's closed-loop rate, is measured \
            first (unless --r1 gives it) for the model.
            """)

    @Option(
        parsing: .unconditional, help: ArgumentHelp("Partitions of each trial's topic.", valueName: "count"),
        transform: NumberArgument.whole("--partitions", 1...1000, oneOf: ("capacity", "partition count")))
    var partitions: Int
    @Option(
        help: ArgumentHelp("Consumer counts to try.", valueName: "set"),
        transform: { try parseArgument($0) { (t) throws(UsageError) in try IntegerSet(parsing: t, name: "--consumers", limit: 100) } })
    var consumers: IntegerSet
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Target events per second; required unless --find-max-rate, whose search then starts from it (default: from the model).", valueName: "events/s"),
        transform: NumberArgument.rate("--rate"))
    var rate: Double?
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Bound on lag in time: the p99 age of the oldest unconsumed event.", valueName: "duration"),
        transform: { try parseArgument($0, DurationValue.init(parsing:)) })
    var maxLag: DurationValue
    @Flag(help: "For each consumer count, search the highest rate that sustains (bracket, then bisect to within 5%).")
    var findMaxRate = false
    @Option(
        parsing: .unconditional, help: ArgumentHelp("Length of each trial's traffic.", default: CapacityConfiguration.standard.duration, valueName: "duration"),
        transform: { try parseArgument($0, DurationValue.init(parsing:)) })
    var duration: DurationValue = CapacityConfiguration.standard.duration
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Start of each trial left out of the lag percentiles and latency; at most half of --duration.", default: CapacityConfiguration.standard.warmup,
            valueName: "duration"),
        transform: { try parseArgument($0, DurationValue.init(parsing:)) })
    var warmup: DurationValue?
    @Option(
        help: ArgumentHelp("Classic-protocol assignor: range, roundrobin or cooperative-sticky (default: range).", valueName: "name"),
        transform: { try parseArgument($0, Assignor.parseList) })
    var assignor: [Assignor]?
    @OptionGroup(title: "Group protocol") var protocols: GroupProtocolOptions
    @OptionGroup(title: "Group timers") var groupTimers: GroupTimerOptions
    @Option(
        help: ArgumentHelp("Per-message work: none, sleep:DURATION or spin:DURATION.", default: CapacityConfiguration.standard.work, valueName: "model"),
        transform: { try parseArgument($0, WorkModel.init(parsing:)) })
    var work: WorkModel = CapacityConfiguration.standard.work
    @Option(
        help: ArgumentHelp("\(CommitMode.acceptedFormsWithoutBatch).", default: CapacityConfiguration.standard.commit, valueName: "mode"),
        transform: { try parseArgument($0) { (t) throws(UsageError) in try CommitMode(parsing: t, command: "capacity", allowingBatch: false) } })
    var commit: CommitMode = CapacityConfiguration.standard.commit
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Producer processes sharing the schedule (when one cannot keep up).", default: CapacityConfiguration.standard.producers, valueName: "count"),
        transform: NumberArgument.whole("--producers", 1...16))
    var producers: Int = CapacityConfiguration.standard.producers
    @Option(
        parsing: .unconditional, help: ArgumentHelp("Distinct user keys.", default: CapacityConfiguration.standard.keys, valueName: "count"),
        transform: NumberArgument.whole("--keys", 1...Int.max))
    var keys: Int = CapacityConfiguration.standard.keys
    @Option(
        parsing: .unconditional, help: ArgumentHelp("Bytes per event value.", default: CapacityConfiguration.standard.valueBytes, valueName: "bytes"),
        transform: NumberArgument.whole("--value-bytes", EventRecord.headerSize...1_000_000))
    var valueBytes: Int = CapacityConfiguration.standard.valueBytes
    @Option(
        parsing: .unconditional, help: ArgumentHelp("One consumer's rate to use instead of measuring it (default: measured first).", valueName: "events/s"),
        transform: NumberArgument.rate("--r1"))
    var r1: Double?
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Bound for a trial's group to become stable.", default: CapacityConfiguration.standard.joinTimeout, valueName: "duration"),
        transform: { try parseArgument($0, DurationValue.init(parsing:)) })
    var joinTimeout: DurationValue = CapacityConfiguration.standard.joinTimeout
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Brokers of the embedded cluster (without --bootstrap).", default: CapacityConfiguration.standard.embeddedBrokers, valueName: "count"),
        transform: NumberArgument.whole("--embedded-brokers", 1...32))
    var embeddedBrokers: Int?
    @Option(help: ArgumentHelp("Prefix of the topics and groups kbench creates.", valueName: "prefix")) var topicPrefix: String = CapacityConfiguration.standard
        .topicPrefix
    @Option(
        help: ArgumentHelp(
            "Trials CSV (default: Results/capacity-<UTC timestamp>.csv); the time series, metadata and r1 trial go beside it.", valueName: "path")
    )
    var out: String?
    @Flag(help: "Do not render plots and the summary at the end.") var noReport = false
    @OptionGroup(title: "Cluster") var connection: ConnectionOptions
    @OptionGroup(title: "Placement") var placement: PlacementOptions

    func makeConfiguration() throws -> CapacityConfiguration {
        var c = CapacityConfiguration(partitions: partitions, consumers: consumers.values, rate: rate, maxLag: maxLag)
        c.findMaxRate = findMaxRate
        c.duration = duration
        c.warmup = warmup ?? CapacityConfiguration.standard.warmup
        c.assignor = protocols.strategies(assignors: assignor, defaultAssignors: [CapacityConfiguration.standard.assignor]).first ?? .range
        c.work = work
        c.commit = commit
        c.producers = producers
        c.keys = keys
        c.valueBytes = valueBytes
        c.r1 = r1
        c.joinTimeout = joinTimeout
        c.groupTimers = groupTimers.timers
        c.embeddedBrokers = embeddedBrokers ?? CapacityConfiguration.standard.embeddedBrokers
        c.topicPrefix = topicPrefix
        c.userProperties = try connection.userProperties()
        c.agents = try placement.settings()
        return c
    }

    func validate() throws {
        try connection.checkEmbeddedBrokers(embeddedBrokers)
        if let assignor, assignor.count != 1 {
            throw ValidationError(
                "--assignor takes one assignor for a capacity run (got \(assignor.map(\.rawValue).joined(separator: ","))): run once per assignor")
        }
        guard protocols.groupProtocol.count == 1 else {
            throw ValidationError("--group-protocol takes one protocol for a capacity run (classic or consumer): run once per protocol")
        }
        try groupTimers.check(groupProtocols: protocols.groupProtocol)
        try protocols.check(assignorGiven: assignor != nil)
        try checkDefaultWarmup()
        try placement.requireSharedCluster(bootstrap: connection.effectiveBootstrap, topics: "capacity creates a topic per trial")
        let c = try makeConfiguration()
        try wrap { try c.validate() }
        if connection.effectiveBootstrap == nil, let rate, !findMaxRate { try wrap { try c.checkEmbeddedRetention(rate: rate) } }
    }

    /// Refuses a --duration too short for the default warm-up with a message about the default, which the user
    /// did not type (the configuration's own check names the values only).
    func checkDefaultWarmup() throws {
        let standard = CapacityConfiguration.standard.warmup
        guard warmup == nil, standard.nanoseconds * 2 > duration.nanoseconds else { return }
        throw ValidationError(
            "--duration \(duration) is too short for the default --warmup of \(standard) (the warm-up must be at most half of --duration: "
                + "the lag's growth is fitted over the second half): give a --duration of at least \(DurationValue(nanoseconds: standard.nanoseconds * 2)), "
                + "or a shorter --warmup, e.g. --warmup \(DurationValue(nanoseconds: duration.nanoseconds / 4))")
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
            case .trialPhase(let n, let rate, let phase): Console.info("C = \(n) at \(Int(rate)) events/s: \(phase)")
            case .trialDone(let row, let index, let elapsed):
                Console.info(
                    "trial \(index) (\(Int(elapsed)) s): C = \(row.consumers) at \(Int(row.targetRate)) events/s → \(row.verdict.rawValue): \(row.reason)")
            }
        }
        Console.output(CapacityReport.table(outcome.rows))
        Console.output(CapacityReport.answer(outcome.rows))
        Console.info("results: \(outcome.files.csv)\ntime series: \(outcome.files.timeseries)\nmetadata: \(outcome.files.metadata)")
        if !noReport && !outcome.rows.isEmpty { RunReport.afterRun(csvPath: outcome.files.csv).forEach(Console.info) }
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
