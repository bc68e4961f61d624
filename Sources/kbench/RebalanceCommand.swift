import ArgumentParser
import KafkaBench

struct RebalanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rebalance", abstract: "Measure rebalances as consumers join, leave and crash.")
    func run() throws { throw ValidationError("not implemented yet") }
}
