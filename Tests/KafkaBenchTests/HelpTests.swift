import ArgumentParser
import Testing

@testable import kbench

/// `--help` teaches: every option that has a default shows it, and every value name says what the value is.
@Suite struct HelpTests {
    static let commands: [any ParsableCommand.Type] = [
        SweepCommand.self, CapacityCommand.self, RebalanceCommand.self, ReportCommand.self, CompareCommand.self, SeedCommand.self,
        BrokerCommand.self, ConsumeCommand.self, ProduceCommand.self, AgentCommand.self,
    ]

    /// Options that take a value but have no default: the feature is off, or the value is the user's alone.
    static let withoutDefault: Set<String> = [
        "-X", "--config", "--topic", "--bootstrap-file", "--on-event", "--index", "--group", "--script", "--max-lag", "--consumers",
        "--partitions", "--duration",  // required, or (produce) one of --messages and --duration
        "--messages",  // produce: required unless --duration
    ]

    /// Each option's help entry (the line naming it and its continuation lines), keyed by its first long name
    /// (or its short name when it has none), with its value name when it takes a value.
    static func entries(_ help: String) -> [(option: String, valueName: String?, text: String)] {
        var out: [(String, String?, String)] = []
        for line in help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let trimmed = line.drop(while: { $0 == " " })
            let indent = line.count - trimmed.count
            if indent == 2, trimmed.hasPrefix("-") {
                let names = trimmed.split(separator: " ").prefix { $0.hasPrefix("-") }.map { $0.trimmingCharacters(in: [","]) }
                let option = names.first { $0.hasPrefix("--") } ?? names[0]
                let value = trimmed.split(separator: "<", maxSplits: 1).dropFirst().first.map { String($0.prefix { $0 != ">" }) }
                out.append((option, value, String(trimmed)))
            } else if indent > 2, let last = out.popLast() {
                out.append((last.0, last.1, last.2 + " " + trimmed))
            }
        }
        return out
    }

    @Test(arguments: commands.map { ObjectIdentifier($0) })
    func everyOptionalValueShowsItsDefault(command id: ObjectIdentifier) {
        let command = Self.commands.first { ObjectIdentifier($0) == id }!
        let entries = Self.entries(command.helpMessage(columns: 200))
        #expect(entries.count > 3, "\(command)")
        for entry in entries where entry.valueName != nil && !Self.withoutDefault.contains(entry.option) {
            // "(default: X)", or ArgumentParser's own "(values: a, b; default: X)" for an enumeration
            #expect(
                entry.text.contains("(default:") || entry.text.contains("; default:"), "\(command._commandName) \(entry.option): \(entry.text)")
            #expect(!entry.text.contains("(default:") || !entry.text.contains("; default:"), "default shown twice: \(entry.text)")
        }
    }

    /// The defaults users trip over are shown with their values (the issue's list).
    @Test func theDefaultsTheIssueNamedAreShownWithTheirValues() {
        let sweep = Dictionary(uniqueKeysWithValues: Self.entries(SweepCommand.helpMessage(columns: 200)).map { ($0.option, $0.text) })
        #expect(sweep["--duration"]?.contains("(default: 4s)") == true)
        #expect(sweep["--warmup"]?.contains("(default: 500ms)") == true)
        #expect(sweep["--work"]?.contains("(default: sleep:1ms)") == true)
        #expect(sweep["--mode"]?.contains("(default: window)") == true)
        #expect(sweep["--assignor"]?.contains("(default: range)") == true)
        #expect(sweep["--commit"]?.contains("(default: auto)") == true)
        #expect(sweep["--join-timeout"]?.contains("(default: 30s)") == true)
        #expect(sweep["--trial-timeout"]?.contains("(default: 10m)") == true)
        let capacity = Dictionary(uniqueKeysWithValues: Self.entries(CapacityCommand.helpMessage(columns: 200)).map { ($0.option, $0.text) })
        #expect(capacity["--duration"]?.contains("(default: 30s)") == true)
        #expect(capacity["--warmup"]?.contains("(default: 5s)") == true)
    }

    /// Value names that are the value's type and happen to be the option's name too (`--duration <duration>`).
    static let typeNames: Set<String> = ["duration", "name"]

    @Test(arguments: commands.map { ObjectIdentifier($0) })
    func valueNamesSayWhatTheValueIsRatherThanRepeatTheOption(command id: ObjectIdentifier) {
        let command = Self.commands.first { ObjectIdentifier($0) == id }!
        for entry in Self.entries(command.helpMessage(columns: 200)) {
            guard let value = entry.valueName else { continue }
            #expect("--" + value != entry.option || Self.typeNames.contains(value), "\(command._commandName) \(entry.option) <\(value)>")
        }
    }

    /// The old spellings kept for one release work but are not shown.
    @Test func oldSpellingsAreHidden() {
        #expect(!BrokerCommand.helpMessage(columns: 200).contains("--brokers"))
        #expect(!AgentCommand.helpMessage(columns: 200).contains("--key-file "))
        #expect(!ReportCommand.helpMessage(columns: 200).contains("--out-dir"))
        #expect(ReportCommand.helpMessage(columns: 200).contains("--plots-dir"))
        #expect(AgentCommand.helpMessage(columns: 200).contains("--agent-key-file"))
        #expect(BrokerCommand.helpMessage(columns: 200).contains("--embedded-brokers"))
    }
}
