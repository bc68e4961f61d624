import ArgumentParser
import Foundation
import KafkaBench

/// The `kbench` command: the subcommands, and the librdkafka selection that runs before any of them parses.
/// Exit codes are those of `KBenchExit`: 0, 1 for a runtime failure, 3 for a measured failure, 64 for a usage
/// error, 130 when interrupted.
@main
struct KBench: ParsableCommand {
    /// The top-level help, the version line (kbench's and the loaded librdkafka's) and every subcommand.
    static let configuration = CommandConfiguration(
        commandName: "kbench",
        abstract: "Measures how Kafka consumer groups scale: consumers against partitions, per assignor.",
        discussion: """
            Without --bootstrap, kbench starts an embedded broker (librdkafka's mock cluster) for the run.
            With --bootstrap HOST:PORT (or KBENCH_BOOTSTRAP) it uses your cluster.
            """,
        version: "\(KBenchVersion.string) (librdkafka \(LibrdkafkaRuntime.version))",
        subcommands: [
            SweepCommand.self, CapacityCommand.self, RebalanceCommand.self, ReportCommand.self, CompareCommand.self, SeedCommand.self,
            BrokerCommand.self, ConsumeCommand.self, ProduceCommand.self, WorkerCommand.self, AgentCommand.self,
        ]
    )

    /// Selects the librdkafka the run asked for (`--librdkafka`, `KBENCH_LIBRDKAFKA`) before anything else runs:
    /// that may execute kbench again with the library's directory on `LD_LIBRARY_PATH` (see
    /// `LibrdkafkaSelection`). A bad selection is a usage error (exit 64).
    static func main() {
        do {
            try LibrdkafkaSelection.activate()
            LibrdkafkaSelection.clearReexecGuard()
        } catch {
            FileHandle.standardError.write(Data("Error: \(error.message)\n".utf8))
            Foundation.exit(64)
        }
        main(nil)
    }
}
