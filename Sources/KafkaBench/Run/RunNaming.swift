/// The names of what a run creates on the cluster, all under the plan's `--topic-prefix`:
///
/// - consumer groups `<prefix>-<run id>-<what>`: every group is new per run, so no committed offset of an earlier
///   run is ever read back;
/// - topics of one run `<prefix>-<kind>-<run id>-<what>` (capacity trials, rebalance on a shared cluster), or
///   `<prefix>-<kind>-<what>` on the embedded broker this process hosts, which starts empty every run;
/// - the sweep's topics `<prefix>-p<P>-t<i>` (`SweepConfiguration.topicNames`) carry no run id on purpose: a sweep
///   with the same plan reuses their seeded backlog instead of producing it again;
/// - the agents' control topics `<prefix>-agents-…` (`ControlTopics`), shared by every run that uses the agents.
public struct RunNaming: Sendable {
    public let prefix: String
    public let kind: RunKind
    public let runId: String

    /// A consumer group of this run (`what`: e.g. "p6-c3-range-r1", "capacity-c4-s2", "rebalance-range").
    public func group(_ what: String) -> String { "\(prefix)-\(runId)-\(what)" }

    /// A name unique to this run for something other than a group (a static member's `group.instance.id`).
    public func member(_ what: String) -> String { "\(prefix)-\(runId)-\(what)" }

    /// A topic of this run; `perRun: false` for the embedded broker this process hosts (empty at every start).
    public func topic(_ what: String, perRun: Bool = true) -> String {
        perRun ? "\(prefix)-\(kind.rawValue)-\(runId)-\(what)" : "\(prefix)-\(kind.rawValue)-\(what)"
    }
}
