import Foundation

/// What a rebalance run produced: one analysis per assignor that finished, and the files written for them.
public struct RebalanceRunOutcome: Sendable {
    public var analyses: [RebalanceAnalysis]
    /// The files, once at least one assignor finished.
    public var files: RebalanceOutput.Files?
    /// The user stopped the run (the assignors that finished before are in `files`).
    public var interrupted: Bool
    /// The embedded broker's group timers (`EmbeddedBrokerTimers.summary`), nil on any other broker: the
    /// summary says that durations measured there show the protocols' shape, not a real cluster's timing.
    public var embeddedTimers: String?
    /// Messages produced but never processed while later ones were, over every assignor.
    public var lost: Int { analyses.reduce(0) { $0 + $1.lost } }
    /// Messages still unconsumed when the final drain gave up, over every assignor.
    public var undrained: Int { analyses.reduce(0) { $0 + $1.undrained } }
}

/// A whole `kbench rebalance` run: the scenario once per assignor (`RebalanceRunner`) on one `RunContext`, the
/// metadata, and after each assignor the timeline, events, partitions and totals CSVs and the plot script, so an
/// interrupted run keeps every assignor that finished.
public final class RebalanceRun {
    public let configuration: RebalanceConfiguration
    public let csvPath: String
    public let plotsDir: String
    /// Run gnuplot once the last assignor finished (the script is written either way).
    public let render: Bool
    private let runner: RebalanceRunner
    private let files: RunFiles

    /// Told about progress ("range: join@5s → c04", clean-up notes, …).
    public var onProgress: (String) -> Void = { _ in }

    /// Creates the output files (refusing existing or unwritable ones), then makes the placement; removes the
    /// files again when that fails.
    public init(
        configuration: RebalanceConfiguration, cluster: ClusterConnection, csvPath: String, plotsDir: String, commandLine: String, render: Bool
    ) throws {
        try Self.checkOutput(csvPath)
        self.configuration = configuration
        self.csvPath = csvPath
        self.plotsDir = plotsDir
        self.render = render
        let files = try RunFiles(tables: RebalanceOutput.tables(forCSV: csvPath))
        self.files = files
        do {
            let context = try RunContext(kind: .rebalance, plan: configuration.plan, cluster: cluster, commandLine: commandLine)
            runner = try RebalanceRunner(configuration: configuration, context: context)
        } catch {
            files.discard()
            throw error
        }
    }

    /// Refuses a timeline CSV path (or its events, partitions, totals or metadata beside it) that exists or cannot
    /// be written, leaving nothing behind: callers check before they connect to a cluster.
    public static func checkOutput(_ csvPath: String) throws(RunError) {
        try RunFiles.check(RebalanceOutput.tables(forCSV: csvPath).map(\.path) + [ResultPaths.metadata(forCSV: csvPath)])
    }

    /// Runs every assignor in turn. Throws `RunError`/`TrialFailure` when a group never forms; an interruption
    /// ends the run with `interrupted` set and the finished assignors written. A run that ends before its first
    /// assignor finished removes its (empty) files.
    public func run() throws -> RebalanceRunOutcome {
        defer { runner.close() }
        do {
            let outcome = try runAssignors()
            if !files.hasRows { files.discard() }
            return outcome
        } catch {
            if !files.hasRows { files.discard() }
            throw error
        }
    }

    private func runAssignors() throws -> RebalanceRunOutcome {
        let c = configuration, context = runner.context, cluster = context.cluster
        runner.onProgress = { [onProgress] in onProgress($0) }
        let embeddedTimers = context.embedded ? EmbeddedBrokerTimers.summary(hostedBy: cluster.hostedBroker) : nil
        var meta = context.startMetadata(settings: settings(embeddedTimers: embeddedTimers), trials: c.assignors.count)
        var outcome = RebalanceRunOutcome(analyses: [], files: nil, interrupted: false, embeddedTimers: embeddedTimers)
        for a in c.assignors {
            let recording: RebalanceRecording
            do { recording = try runner.run(assignor: a, embedded: context.embedded) } catch let failure as TrialFailure where failure.interrupted {
                outcome.interrupted = true
                return outcome
            }
            _ = context.recordApplied(runner.appliedProperties, from: "consumer c01 of the first assignor's run", in: &meta)
            let analysis = RebalanceAnalysis.analyze(recording)
            outcome.analyses.append(analysis)
            for (table, rows) in RebalanceOutput.rows(analysis, runId: context.runId, broker: context.brokerLabel).enumerated() {
                files.append(rows, to: table)
            }
            let done = outcome.analyses.count == c.assignors.count
            context.finish(&meta, status: done ? "completed" : "running")
            try meta.write(to: files.metadataPath)
            let plot = try RebalanceOutput.writePlot(
                outcome.analyses, csvPath: csvPath, plotsDir: plotsDir, broker: context.brokerLabel, brokerKind: meta.brokerKind, render: render && done)
            let paths = files.tables.map(\.path)
            outcome.files = RebalanceOutput.Files(
                timeline: paths[0], events: paths[1], partitions: paths[2], totals: paths[3], metadata: files.metadataPath, script: plot.script,
                png: plot.png, gnuplot: plot.gnuplot)
        }
        return outcome
    }

    /// The metadata's settings: the scenario, and how kbench placed the coordinator and leaders for broker faults.
    private func settings(embeddedTimers: String?) -> [String: String] {
        let c = configuration, hosted = runner.cluster.hostedBroker
        let embeddedFaults = hosted != nil && c.script.steps.contains(where: \.action.isBrokerFault)
        return [
            "partitions": String(c.partitions), "consumers": String(c.consumers), "script": c.script.description,
            "rate": String(c.rate), "duration": c.duration.description, "commit": c.commit.description,
            "commit_gate": !c.commitGate
                ? "off (--no-commit-gate)"
                : "on for classic-protocol groups (manual commits held while a member rebalances); off under the consumer protocol",
            "group_protocols": Set(c.assignors.map(\.groupProtocol.rawValue)).sorted().joined(separator: ","),
            "embedded_group_timers": embeddedTimers ?? "",
            "work": c.work.description, "static": String(c.staticMembership),
            "embedded_brokers": hosted.map { String($0.brokerCount) } ?? "",
            "producer_max_in_flight": embeddedFaults ? "1 (embedded broker faults: see docs/rebalance.md)" : "librdkafka default (5)",
            "coordinator_at_start": embeddedFaults
                ? "b\(c.script.coordinatorPlacement(brokers: hosted?.brokerCount ?? 1).broker) (placed by kbench on the lowest broker the script does not take down)"
                : "chosen by the cluster",
            "leaders_at_start": (hosted?.brokerCount ?? 1) > 1
                ? "partition p led by broker p mod N + 1 (placed by kbench; per assignor in the totals CSV)" : "chosen by the cluster",
        ]
    }
}
