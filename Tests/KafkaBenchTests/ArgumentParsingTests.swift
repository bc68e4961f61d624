import ArgumentParser
import Foundation
import Testing

@testable import KafkaBench
@testable import kbench

@Suite struct ArgumentParsingTests {
    @Test func integerSetForms() throws {
        #expect(try IntegerSet(parsing: "10").values == [10])
        #expect(try IntegerSet(parsing: "6,10,20").values == [6, 10, 20])
        #expect(try IntegerSet(parsing: "1...15").values == Array(1...15))
        #expect(try IntegerSet(parsing: "1..<16").values == Array(1...15))
        #expect(try IntegerSet(parsing: "2...16:2").values == [2, 4, 6, 8, 10, 12, 14, 16])
        #expect(try IntegerSet(parsing: "1...3, 8").values == [1, 2, 3, 8])
    }

    @Test(arguments: ["15...1", "3..<3", "0", "-2", "1...0", "abc", "", "1,,2", "2...8:0", "5:2"])
    func integerSetErrorsShowTheAcceptedForms(text: String) {
        do {
            _ = try IntegerSet(parsing: text, name: "--consumers")
            Issue.record("'\(text)' was accepted")
        } catch {
            #expect(error.message.contains("invalid --consumers '\(text)'"))
            #expect(error.message.contains("1...15"))
            #expect(error.message.contains("2...16:2"))
        }
    }

    @Test func durations() throws {
        #expect(try DurationValue(parsing: "500ms").nanoseconds == 500_000_000)
        #expect(try DurationValue(parsing: "3s").nanoseconds == 3_000_000_000)
        #expect(try DurationValue(parsing: "2m").nanoseconds == 120_000_000_000)
        #expect(try DurationValue(parsing: "200us").nanoseconds == 200_000)
        #expect(try DurationValue(parsing: "1.5s").nanoseconds == 1_500_000_000)
        for bad in ["3", "ms", "-1s", "3h", "fast"] {
            #expect(throws: UsageError.self, "\(bad)") { try DurationValue(parsing: bad) }
        }
        do { _ = try DurationValue(parsing: "3") } catch { #expect(error.message.contains("a unit is required")) }
        // beyond UInt64 nanoseconds: a usage error, not a crash
        do { _ = try DurationValue(parsing: "1e20s") } catch { #expect(error.message.contains("too long"), "\(error.message)") }
    }

    /// `kbench broker` removes its bootstrap file when it stops: a path that exists is refused, and left as it was.
    @Test(.removesTemporaryFiles) func anExistingBootstrapFileIsNeitherOverwrittenNorDeleted() throws {
        let file = TestSupport.tempPath("mine.txt")
        try "my notes\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(Self.message(["broker", "--bootstrap-file", file]).contains("already exists"))
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "my notes\n")
    }

    /// The newest provisioned Tansu is chosen by version number, not by text.
    @Test func tansuVersionsSortByNumber() {
        #expect(TansuBroker.newestFirst(["0.9.0", "0.10.0", "0.6.0"]) == ["0.10.0", "0.9.0", "0.6.0"])
    }

    /// The agents' options without `--agents` would be ignored: refused, naming each one given.
    @Test func agentOptionsWithoutAgentsAreRefused() {
        let m = Self.message(["sweep", "--partitions", "2", "--consumers", "1", "--agents-timeout", "5s", "--agents-go-bound", "1s"])
        #expect(m.contains("--agents-timeout, --agents-go-bound apply to agents only: give --agents N"), "\(m)")
        #expect(Self.message(["sweep", "--partitions", "2", "--consumers", "1", "--placement", "pack"]).contains("--placement applies to agents only"))
    }

    @Test func workModels() throws {
        #expect(try WorkModel(parsing: "none") == .none)
        #expect(try WorkModel(parsing: "sleep:1ms") == .sleep(.milliseconds(1)))
        #expect(try WorkModel(parsing: "spin:200us") == .spin(DurationValue(nanoseconds: 200_000)))
        for bad in ["sleep", "sleep:", "nap:1ms", "spin:0ms", "sleep:1"] {
            #expect(throws: UsageError.self, "\(bad)") { try WorkModel(parsing: bad) }
        }
    }

    @Test func keyDistributionsAndAssignors() throws {
        #expect(try KeyDistribution(parsing: "uniform") == .uniform)
        #expect(try KeyDistribution(parsing: "zipf:1.1") == .zipf(1.1))
        #expect(throws: UsageError.self) { try KeyDistribution(parsing: "zipf:0") }
        #expect(throws: UsageError.self) { try KeyDistribution(parsing: "normal") }
        #expect(try Assignor.parseList("all") == Assignor.classic)
        #expect(try Assignor.parseList("range,cooperative-sticky") == [.range, .cooperativeSticky])
        #expect(throws: UsageError.self) { try Assignor.parseList("sticky") }
        #expect(try CommitMode(parsing: "batch:100") == .batch(100))
        #expect(try CommitMode(parsing: "auto-store") == .autoStore)
        #expect(CommitMode.auto.properties["enable.auto.offset.store"] == "false" && CommitMode.auto.storesAfterProcessing)
        #expect(throws: UsageError.self) { try CommitMode(parsing: "later") }
    }

    @Test func zipfSkewsKeysAndUniformDoesNot() {
        var zipf = KeySampler(keys: 1000, distribution: .zipf(1.1), seed: 1)
        var uniform = KeySampler(keys: 1000, distribution: .uniform, seed: 1)
        var zipfZero = 0, uniformZero = 0
        for _ in 0..<100_000 {
            if zipf.next() == 0 { zipfZero += 1 }
            if uniform.next() == 0 { uniformZero += 1 }
        }
        #expect(zipfZero > 10_000)  // rank 1 of 1000 under zipf(1.1) gets ~15% of draws
        #expect(uniformZero < 300)  // ~100 expected
    }

    /// Kafka users type -b (kcat) or --bootstrap-server (Kafka's own tools): both mean --bootstrap.
    @Test func bootstrapTakesTheSpellingsKafkaUsersType() throws {
        for spelling in ["--bootstrap", "-b", "--bootstrap-server"] {
            let parsed = try KBench.parseAsRoot(["sweep", spelling, "broker1:9092", "--partitions", "2", "--consumers", "1"])
            let sweep = try #require(parsed as? SweepCommand)
            #expect(sweep.connection.effectiveBootstrap == "broker1:9092", "\(spelling)")
        }
    }

    @Test func sweepCommandErrorsExplainThemselves() {
        func message(_ args: [String]) -> String {
            do {
                _ = try KBench.parseAsRoot(args)
                return ""
            } catch {
                return KBench.message(for: error)
            }
        }
        #expect(message(["sweep", "--partitions", "10", "--consumers", "15...1"]).contains("reversed"))
        #expect(message(["sweep", "--partitions", "0", "--consumers", "1"]).contains("not positive"))
        #expect(message(["sweep", "--partitions", "10", "--consumers", "1", "--assignor", "sticky"]).contains("cooperative-sticky"))
        #expect(message(["sweep", "--partitions", "10", "--consumers", "1", "--work", "sleep:1"]).contains("unit"))
        #expect(message(["sweep", "--partitions", "10", "--consumers", "1", "-X", "nonsense"]).contains("key=value"))
        #expect(message(["sweep", "--partitions", "10", "--consumers", "1", "-X", "group.id=mine"]).contains("set by kbench"))
        #expect(message(["sweep", "--partitions", "10", "--consumers", "1", "--mode", "burst"]).contains("window or drain"))
        #expect(message(["sweep", "--partitions", "10", "--consumers", "1...15"]).isEmpty)
    }

    /// The message kbench prints for `args`, or "" when they parse and validate.
    static func message(_ args: [String]) -> String {
        do {
            _ = try KBench.parseAsRoot(args)
            return ""
        } catch {
            return KBench.message(for: error)
        }
    }

    static let sweep = ["sweep", "--partitions", "4", "--consumers", "1"]
    static let capacity = ["capacity", "--partitions", "4", "--consumers", "1", "--rate", "100", "--max-lag", "1s"]
    static let rebalance = ["rebalance", "--partitions", "2", "--consumers", "1", "--script", "join@1s", "--duration", "2s"]

    /// A negative number reaches the option's check (ArgumentParser alone reads "-100" as an option and reports a
    /// missing value).
    @Test func negativeNumbersAreRefusedWithTheRealReason() {
        #expect(
            Self.message(["capacity", "--partitions", "4", "--consumers", "1", "--rate", "-100", "--max-lag", "1s"]).contains(
                "--rate must be a positive number of events/s, got -100"))
        #expect(
            Self.message(["rebalance", "--partitions", "2", "--consumers", "1", "--script", "join@1s", "--duration", "2s", "--rate", "-5"]).contains(
                "--rate must be a positive number of events/s, got -5"))
        #expect(Self.message(Self.sweep + ["--keys", "-5"]).contains("--keys must be a whole number of at least 1, got '-5'"))
        #expect(Self.message(Self.sweep + ["--repeat", "-1"]).contains("--repeat must be a whole number from 1 to 100, got '-1'"))
        #expect(Self.message(Self.sweep + ["--duration", "-1s"]).contains("must not be negative"))
        #expect(Self.message(["produce", "--topic", "t", "--messages", "-3"]).contains("--messages must be a whole number of at least 1, got '-3'"))
    }

    @Test func aSetWhereOneCountIsTakenSaysSo() {
        let m = Self.message(["capacity", "--partitions", "1...4", "--consumers", "1", "--rate", "100", "--max-lag", "1s"])
        #expect(m.contains("--partitions '1...4' is a set, but capacity takes one partition count"), "\(m)")
        #expect(m.contains("kbench sweep"))
        #expect(Self.message(Self.rebalance.map { $0 == "1" ? "1,2" : $0 }).contains("rebalance takes one consumer count"))
    }

    /// The user never typed the default warm-up: the refusal names it as the default and says what fits.
    @Test func aDurationTooShortForTheDefaultWarmupNamesTheDefault() {
        let m = Self.message(Self.capacity + ["--duration", "5s"])
        #expect(m.contains("--duration 5s is too short for the default --warmup of 5s"), "\(m)")
        #expect(m.contains("at least 10s"))
        #expect(Self.message(Self.capacity + ["--duration", "5s", "--warmup", "2s"]).isEmpty)
    }

    /// --commit agrees with itself: help, parser and message list the same forms; batch:N names where it belongs.
    @Test func commitModesAgreeAcrossHelpParserAndMessage() {
        for command in [Self.sweep, Self.capacity] {
            let m = Self.message(command + ["--commit", "batch:5"])
            #expect(m.contains("batch:N is for 'kbench rebalance' and 'kbench consume'") && m.contains("auto, auto-store, sync, async or none"), "\(m)")
            #expect(Self.message(command + ["--commit", "auto-store"]).isEmpty)
            #expect(Self.message(command + ["--commit", "later"]).contains("accepts auto, auto-store, sync, async or none"))
        }
        #expect(!SweepCommand.helpMessage().contains("batch:N"))
        #expect(!CapacityCommand.helpMessage().contains("batch:N"))
        #expect(Self.message(Self.rebalance + ["--commit", "batch:5"]).isEmpty)
    }

    /// Options the chosen mode would ignore are refused, naming the mode they belong to.
    @Test func optionsAModeIgnoresAreRefused() {
        let drain = Self.message(Self.sweep + ["--mode", "drain", "--duration", "3s"])
        #expect(drain.contains("--duration 3s sets the measurement window of --mode window"), "\(drain)")
        #expect(Self.message(Self.sweep + ["--mode", "drain", "--warmup", "1s", "--duration", "3s"]).contains("drop them"))
        #expect(Self.message(Self.sweep + ["--mode", "drain", "--trial-timeout", "1m"]).isEmpty)
        #expect(Self.message(Self.sweep + ["--trial-timeout", "1m"]).contains("--trial-timeout 1m bounds a drain (--mode drain)"))
        #expect(Self.message(Self.rebalance + ["--commit", "auto", "--no-commit-gate"]).contains("--no-commit-gate affects manual commits only"))
        #expect(Self.message(Self.rebalance + ["--no-commit-gate"]).isEmpty)
        #expect(Self.message(Self.rebalance + ["--static-membership"]).contains("not supported by the embedded broker under the classic protocol"))
        #expect(Self.message(Self.rebalance + ["--static"]).contains("not supported by the embedded broker under the classic protocol"))
        #expect(Self.message(Self.rebalance + ["--static", "--static-membership", "--bootstrap", "h:1"]).contains("give --static-membership once"))
        #expect(
            Self.message(["produce", "--topic", "t", "--rate", "10", "--duration", "1s", "--key-distribution", "zipf:1.1"]).contains(
                "--key-distribution zipf:1.1 applies to --messages runs"))
        #expect(Self.message(["consume", "--topic", "t", "--messages", "5", "--commit", "sync"]).contains("--commit needs --group"))
        #expect(Self.message(["report", "--index", "Results", "--plots-dir", "p"]).contains("--plots-dir applies to a report on a CSV"))
        for command in [Self.sweep, Self.capacity] {
            let consumerOnly = Self.message(command + ["--librdkafka", "2.16.0", "--group-protocol", "consumer", "--session-timeout", "10s"])
            #expect(consumerOnly.contains("under --group-protocol consumer the broker owns them"), "\(command[0]): \(consumerOnly)")
        }
        #expect(!Self.message(Self.sweep + ["--group-protocol", "classic,consumer", "--heartbeat-interval", "1s"]).contains("the broker owns them"))
        for command in [Self.sweep, Self.rebalance, Self.capacity] {
            let both = Self.message(command + ["--bootstrap", "127.0.0.1:9092", "--embedded-brokers", "3"])
            #expect(both.contains("--embedded-brokers 3 sizes the embedded cluster, but this run connects to 127.0.0.1:9092"), "\(command[0]): \(both)")
            #expect(Self.message(command + ["--embedded-brokers", "3"]).isEmpty, "\(command[0])")
        }
    }

    /// One name per concept: the old spellings still work (hidden, for one release) and mean the same option.
    @Test func oldSpellingsAreAliasesOfTheNewNames() throws {
        let broker = try #require(try KBench.parseAsRoot(["broker", "--brokers", "2"]) as? BrokerCommand)
        #expect(broker.brokers == 2)
        #expect(try #require(try KBench.parseAsRoot(["broker", "--embedded-brokers", "2"]) as? BrokerCommand).brokers == 2)
        #expect(Self.message(["broker", "--brokers", "2", "--embedded-brokers", "3"]).contains("--brokers is the old spelling of --embedded-brokers"))
        let report = try #require(try KBench.parseAsRoot(["report", "r.csv", "--out-dir", "p"]) as? ReportCommand)
        #expect(report.oldOutDir == "p" && report.plotsDir == nil)
        #expect(try #require(try KBench.parseAsRoot(["report", "r.csv", "--plots-dir", "p"]) as? ReportCommand).plotsDir == "p")
        #expect(Self.message(["report", "r.csv", "--out-dir", "p", "--plots-dir", "q"]).contains("--out-dir is the old spelling of --plots-dir"))
    }

    @Test(.removesTemporaryFiles) func theAgentsKeyFileHasTheRunnersName() throws {
        let key = TestSupport.tempPath("agent.key")
        try "0123456789abcdef0123456789abcdef".write(toFile: key, atomically: true, encoding: .utf8)
        for spelling in ["--agent-key-file", "--key-file"] {
            let agent = try #require(try KBench.parseAsRoot(["agent", spelling, key, "--bootstrap", "h:1"]) as? AgentCommand)
            #expect(agent.keyFile == key, "\(spelling)")
        }
        #expect(Self.message(["agent", "--key-file", key, "--agent-key-file", key, "--bootstrap", "h:1"]).contains("give --agent-key-file once"))
    }

    @Test func propertiesFilesNameFileAndLine() throws {
        let props = try PropertySources.parseFile("# comment\n\nsecurity.protocol=SASL_SSL\n sasl.username = me \n", path: "c.properties")
        #expect(props == ["security.protocol": "SASL_SSL", "sasl.username": "me"])
        do {
            _ = try PropertySources.parseFile("a=1\nsasl.password\n", path: "c.properties")
            Issue.record("expected an error")
        } catch {
            #expect(error.message.hasPrefix("c.properties:2:"))
        }
        let merged = try PropertySources.merge(file: ["acks": "1", "linger.ms": "5"], assignments: ["acks=all"])
        #expect(merged == ["acks": "all", "linger.ms": "5"])
    }

    @Test func commandLinesAreRedacted() {
        let line = RunMetadata.redactedCommandLine(["kbench", "sweep", "-X", "sasl.password=hunter2", "-Xssl.key.password=pw", "-X", "acks=all"])
        #expect(!line.contains("hunter2"))
        #expect(!line.contains("=pw"))
        #expect(line.contains("sasl.password=***"))
        #expect(line.contains("acks=all"))
    }
}
