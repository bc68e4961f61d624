import ArgumentParser
import KafkaBench

/// The hidden subcommand a sweep runs in each consumer process.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Internal: one consumer process of a sweep.", shouldDisplay: false)

    func run() throws {
        throw ValidationError("not implemented yet")
    }
}
