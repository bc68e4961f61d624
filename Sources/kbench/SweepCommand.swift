import ArgumentParser
import KafkaBench

struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sweep", abstract: "Run a consumer-group scaling sweep.")
    func run() throws { throw ValidationError("not implemented yet") }
}
