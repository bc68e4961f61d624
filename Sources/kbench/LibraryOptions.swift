import ArgumentParser

/// `--librdkafka`, on every command. The selection is applied before the arguments are parsed (see
/// `KBench.main` and `LibrdkafkaSelection`); the option is declared here so that every command accepts it and
/// shows it in `--help`.
struct LibraryOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The librdkafka to run on: 'system' (default), a version provisioned by scripts/deps (e.g. 2.16.0), or a librdkafka.so.1 file or its directory (default: $KBENCH_LIBRDKAFKA, else system).",
            valueName: "version|path"))
    var librdkafka: String?
}
