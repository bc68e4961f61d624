import ArgumentParser
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
