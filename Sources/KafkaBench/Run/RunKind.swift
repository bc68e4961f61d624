/// Which mode a run is: the `kind` of its metadata and the word in its topic and group names.
public enum RunKind: String, Sendable, CaseIterable {
    case sweep, capacity, rebalance
}
