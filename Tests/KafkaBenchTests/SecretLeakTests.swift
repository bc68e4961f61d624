import Foundation
import Testing

@testable import KafkaBench

/// Secrets given with -X never reach an output of any command: not stdout, not stderr, not a file written. The
/// invalid cases make librdkafka's own error text contain the secret (the same string is the value of a secret
/// property and of a property librdkafka rejects or quotes), so kbench must scrub what librdkafka says, not only
/// what it writes itself.
@Suite(.serialized, .removesTemporaryFiles) struct SecretLeakTests {
    static let secret = "kbench-S3CRET-4f1d9c"

    /// -X sets that make librdkafka fail with the secret in its text, and what the error must mention (so that
    /// the test knows the failure came from that property).
    static let leakingConfigs: [(properties: [String], mentions: String)] = [
        // rd_kafka_conf_set rejects the value; kbench's message quotes key=value
        (["sasl.password=\(secret)", "fetch.wait.max.ms=\(secret)"], "fetch.wait.max.ms"),
        // librdkafka quotes the rejected value itself: Invalid value "<secret>" for configuration property …
        (["sasl.password=\(secret)", "security.protocol=\(secret)"], "security.protocol"),
        // rd_kafka_new fails: Unsupported SASL mechanism: <secret>
        (["sasl.password=\(secret)", "security.protocol=sasl_plaintext", "sasl.mechanisms=\(secret)"], "SASL mechanism"),
    ]

    static func xArguments(_ properties: [String]) -> [String] { properties.flatMap { ["-X", $0] } }

    /// Every regular file under `dir` (recursively) that contains the secret.
    static func filesContainingSecret(in dir: String) -> [String] {
        let needle = Data(secret.utf8)
        let paths = FileManager.default.enumerator(atPath: dir)?.compactMap { $0 as? String } ?? []
        return paths.filter { path in
            guard let data = FileManager.default.contents(atPath: dir + "/" + path) else { return false }
            return data.range(of: needle) != nil
        }
    }

    static func files(in dir: String) -> [String] {
        (FileManager.default.enumerator(atPath: dir)?.compactMap { $0 as? String } ?? []).filter { path in
            var isDir: ObjCBool = false
            return FileManager.default.fileExists(atPath: dir + "/" + path, isDirectory: &isDir) && !isDir.boolValue
        }
    }

    /// Runs kbench in `dir` (so that anything written relative to it lands there) and checks that the secret is in
    /// none of its outputs.
    @discardableResult
    static func runWithoutLeak(
        _ arguments: [String], in dir: String, timeout: Double = 60,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> TestSupport.Run {
        let run = try TestSupport.kbench(arguments, timeout: timeout, currentDirectory: dir)
        #expect(!run.stdout.contains(secret), "secret on stdout of \(arguments.first ?? ""): \(run.stdout)", sourceLocation: sourceLocation)
        #expect(!run.stderr.contains(secret), "secret on stderr of \(arguments.first ?? ""): \(run.stderr)", sourceLocation: sourceLocation)
        let leaked = filesContainingSecret(in: dir)
        #expect(leaked.isEmpty, "secret in files written by \(arguments.first ?? ""): \(leaked)", sourceLocation: sourceLocation)
        return run
    }

    @Test func rebalanceNeverPrintsOrWritesASecret() throws {
        let base = ["rebalance", "--partitions", "2", "--consumers", "1", "--script", "join@1s", "--duration", "2s"]
        for (properties, mentions) in Self.leakingConfigs {
            let dir = try TestSupport.tempDirectory()
            let run = try Self.runWithoutLeak(base + ["--out", dir + "/r.csv"] + Self.xArguments(properties), in: dir)
            #expect(run.status == 1, "\(properties): \(run.stderr)")
            #expect(run.stderr.contains(mentions), "\(properties): \(run.stderr)")
        }
        let dir = try TestSupport.tempDirectory()
        let run = try Self.runWithoutLeak(
            base + [
                "--out", dir + "/r.csv", "-X", "sasl.password=\(Self.secret)",
                "-X", "sasl.username=kbench",
            ], in: dir, timeout: 90)
        #expect(run.status == 0, "\(run.stderr)")
        let written = Self.files(in: dir)
        #expect(written.contains("r.csv") && written.contains("r.meta.json") && written.contains("r-events.csv"), "\(written)")
    }

    @Test func sweepAndReportNeverPrintOrWriteASecret() throws {
        let base = ["sweep", "--partitions", "1", "--consumers", "1", "--duration", "300ms", "--warmup", "100ms"]
        for (properties, mentions) in Self.leakingConfigs {
            let dir = try TestSupport.tempDirectory()
            let run = try Self.runWithoutLeak(base + ["--out", dir + "/s.csv", "--no-report"] + Self.xArguments(properties), in: dir)
            #expect(run.status == 1, "\(properties): \(run.stderr)")
            #expect(run.stderr.contains(mentions), "\(properties): \(run.stderr)")
        }
        // A valid configuration carrying secrets; then `kbench report` on its results (summary, plots, index).
        let dir = try TestSupport.tempDirectory()
        let sweep = try Self.runWithoutLeak(
            base + [
                "--out", dir + "/s.csv", "--no-report", "-X", "sasl.password=\(Self.secret)",
                "-X", "ssl.key.password=\(Self.secret)",
            ], in: dir, timeout: 90)
        #expect(sweep.status == 0, "\(sweep.stderr)")
        let report = try Self.runWithoutLeak(["report", dir + "/s.csv"], in: dir)
        #expect(report.status == 0, "\(report.stderr)")
        let written = Self.files(in: dir)
        #expect(written.contains("s.md") && written.contains("s.gp") && written.contains("s.meta.json"), "\(written)")
        let index = try Self.runWithoutLeak(["report", "--index", dir], in: dir)
        #expect(index.status == 0, "\(index.stderr)")
    }

    @Test func produceAndConsumeNeverPrintASecret() throws {
        let (broker, bootstrap) = try ProcessTests.startBroker(["secrets:2"])
        defer { broker.interrupt(); broker.waitUntilExit() }
        let produce = ["produce", "--bootstrap", bootstrap, "--topic", "secrets", "--messages", "200", "--connect-timeout", "5s"]
        let consume = ["consume", "--bootstrap", bootstrap, "--topic", "secrets", "--connect-timeout", "5s"]
        for base in [produce, consume] {
            for (properties, mentions) in Self.leakingConfigs {
                let dir = try TestSupport.tempDirectory()
                let run = try Self.runWithoutLeak(base + Self.xArguments(properties), in: dir, timeout: 30)
                #expect(run.status == 1, "\(base[0]) \(properties): \(run.stderr)")
                #expect(run.stderr.contains(mentions), "\(base[0]) \(properties): \(run.stderr)")
            }
        }
        let dir = try TestSupport.tempDirectory()
        let valid = ["-X", "sasl.password=\(Self.secret)", "-X", "sasl.username=kbench"]
        let produced = try Self.runWithoutLeak(produce + valid, in: dir, timeout: 30)
        #expect(produced.status == 0, "\(produced.stderr)")
        let consumed = try Self.runWithoutLeak(consume + valid, in: dir, timeout: 30)
        #expect(consumed.status == 0, "\(consumed.stderr)")
        #expect(consumed.stdout.contains("consumed 200 messages"), "\(consumed.stdout)")
    }
}
