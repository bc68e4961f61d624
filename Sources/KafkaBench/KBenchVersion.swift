/// kbench's own version, recorded in every result.
public enum KBenchVersion {
    public static let string = "0.1.0"
}
