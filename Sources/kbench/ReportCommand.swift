import ArgumentParser
import KafkaBench

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report", abstract: "Turn a sweep CSV into plots and a summary.")
    func run() throws { throw ValidationError("not implemented yet") }
}
