/// kbench's own version, recorded in every result.
/// Agents announce it, and `--version` prints it next to the loaded librdkafka's.
public enum KBenchVersion {
    /// major.minor.patch, as results record it.
    public static let string = "0.1.0"
}
