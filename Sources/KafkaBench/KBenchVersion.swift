/// kbench's own version, recorded in every result.
/// Agents announce it, and `--version` prints it next to the loaded librdkafka's.
public enum KBenchVersion {
    /// Semantic version text; raise it with every release that changes results or the protocol.
    public static let string = "0.1.0"
}
