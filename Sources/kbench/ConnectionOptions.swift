import ArgumentParser
import Foundation
import KafkaBench

/// How every command reaches Kafka: an explicit bootstrap (or KBENCH_BOOTSTRAP), librdkafka properties from
/// `--config FILE` and `-X key=value`, and the connect bound.
/// `validate()` checks the properties' syntax (and reads `--config`); librdkafka checks names and values when a
/// client is created.
struct ConnectionOptions: ParsableArguments {
    /// `--bootstrap`/`-b`/`--bootstrap-server`; nil falls back to `KBENCH_BOOTSTRAP` (see `effectiveBootstrap`).
    @Option(
        name: [.long, .customShort("b"), .customLong("bootstrap-server", withSingleDash: false)],
        help: ArgumentHelp(
            "Bootstrap servers HOST:PORT[,…] of the cluster to use (default: $KBENCH_BOOTSTRAP); -b as in kcat, --bootstrap-server as in Kafka's tools.",
            valueName: "host:port"))
    var bootstrap: String?

    /// `-X key=value` assignments as given, parsed and checked in `validate`; they win over `--config`.
    @Option(
        name: .customShort("X"),
        help: ArgumentHelp(
            "A librdkafka property for every client, like kcat (repeatable; wins over --config).", valueName: "key=value"))
    var properties: [String] = []

    /// `--config`: a properties file loaded by `userProperties()`.
    @Option(
        name: .long,
        help: ArgumentHelp(
            "A librdkafka properties file (key=value lines, # comments).", valueName: "file"))
    var config: String?

    /// How long to wait for the cluster's first answer (metadata) before failing with the bootstrap in the message.
    @Option(
        name: .long, parsing: .unconditional, help: ArgumentHelp("Bound for reaching the cluster.", default: Self.defaultConnectTimeout, valueName: "duration"),
        transform: { try parseArgument($0, DurationValue.init(parsing:)) })
    var connectTimeout: DurationValue = Self.defaultConnectTimeout

    static let defaultConnectTimeout = DurationValue.seconds(10)

    /// `--librdkafka`: which librdkafka this process and its workers load.
    @OptionGroup var library: LibraryOptions

    /// Refuses malformed `-X` assignments, an unreadable or malformed `--config`, and an empty bootstrap.
    func validate() throws {
        for p in properties { _ = try wrap { try PropertySources.parseAssignment(p) } }
        _ = try userProperties()
        if let b = effectiveBootstrap, b.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--bootstrap is empty: give HOST:PORT[,HOST:PORT…]")
        }
    }

    /// `--bootstrap`, else `KBENCH_BOOTSTRAP`.
    var effectiveBootstrap: String? {
        bootstrap ?? ProcessInfo.processInfo.environment["KBENCH_BOOTSTRAP"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The user's librdkafka properties: the config file, then `-X` on top.
    func userProperties() throws -> [String: String] {
        let file = try config.map { path in try wrap { try PropertySources.load(path: path) } } ?? [:]
        return try wrap { try PropertySources.merge(file: file, assignments: properties) }
    }

    /// The connect bound in ms, clamped to librdkafka's `Int32` timeouts.
    var connectTimeoutMs: Int32 { Int32(clamping: Int(connectTimeout.milliseconds)) }

    /// Refuses `--embedded-brokers` given together with a cluster to connect to (`--bootstrap` or
    /// `KBENCH_BOOTSTRAP`), where it would be ignored.
    func checkEmbeddedBrokers(_ given: Int?) throws {
        guard let given, let b = effectiveBootstrap else { return }
        throw ValidationError(
            "--embedded-brokers \(given) sizes the embedded cluster, but this run connects to \(b) (--bootstrap or KBENCH_BOOTSTRAP), "
                + "whose brokers are its own: drop --embedded-brokers, or drop --bootstrap to run on the embedded cluster")
    }

    /// A connection to the given bootstrap, or, when there is none and `embeddedBrokers` is set, to an
    /// embedded broker hosted by this process.
    func connect(embeddedBrokers: Int?) throws -> ClusterConnection {
        let props = try userProperties()
        if let b = effectiveBootstrap {
            return ClusterConnection(bootstrap: b, properties: props, connectTimeoutMs: connectTimeoutMs)
        }
        guard let n = embeddedBrokers else {
            throw ValidationError(
                "this command needs a cluster: give --bootstrap HOST:PORT (or set KBENCH_BOOTSTRAP); for a local one, run 'kbench broker --topic NAME:PARTITIONS' and use the address it prints"
            )
        }
        return try ClusterConnection(embeddedBrokers: n, properties: props, connectTimeoutMs: connectTimeoutMs)
    }
}

/// For `validate()` only: runs a library check, turning its `UsageError` into an ArgumentParser `ValidationError`,
/// so the message shows with the usage line and kbench exits 64. Failures in `run()` are not wrapped: they print
/// their message alone and exit 1 (see `KBenchExit`).
func wrap<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let e as UsageError { throw ValidationError(e.message) }
}

/// Adapter for `@Option(transform:)`: the thrown text appears in ArgumentParser's error message.
func parseArgument<T>(_ text: String, _ parse: (String) throws(UsageError) -> T) throws -> T {
    do { return try parse(text) } catch { throw ValidationError(error.message) }
}
