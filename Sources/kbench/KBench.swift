import ArgumentParser
import KafkaBench

@main
struct KBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kbench",
        abstract: "Measures how Kafka consumer groups scale: consumers against partitions, per assignor.",
        discussion: """
            Without --bootstrap, kbench starts an embedded broker (librdkafka's mock cluster) for the run.
            With --bootstrap HOST:PORT (or KBENCH_BOOTSTRAP) it uses your cluster.
            """,
        version: KBenchVersion.string,
        subcommands: [
            SweepCommand.self, CapacityCommand.self, RebalanceCommand.self, ReportCommand.self, CompareCommand.self, SeedCommand.self,
            BrokerCommand.self, ConsumeCommand.self, ProduceCommand.self, WorkerCommand.self, AgentCommand.self,
        ]
    )
}
