/// Everything observed during one assignor's rebalance run, in CLOCK_MONOTONIC nanoseconds; the input of
/// `RebalanceAnalysis`.
/// Filled by the live-traffic mode on the runner's thread while the run goes; analysed only after it ended.
public struct RebalanceRecording: Sendable {
    /// One consumer process of the run, from its start to its end.
    /// Indices into `workers` identify processes everywhere else in the recording.
    public struct Worker: Sendable {
        /// The consumer slot's name ("c01"); a restarted consumer's new process has the same name.
        public var name: String
        /// When the process was started.
        public var spawnNs: UInt64
        /// When it was killed, told to leave, or exited on its own.
        public var endNs: UInt64?
    }
    /// A worker's whole assignment after a change it reported (partition numbers of the run's one topic).
    /// From the workers' `assignment` events (stamped when the rebalance callback applied the change), plus every
    /// member's assignment at the start of traffic.
    public struct Assignment: Sendable {
        /// When the worker reported the assignment.
        public var ns: UInt64
        /// Index into `workers`.
        public var worker: Int
        /// The whole assignment after the change (empty: it owns nothing).
        public var partitions: [Int32]
    }
    /// One processed message: when (processing end), by whom, which offset, and its end-to-end latency from the
    /// event's intended send time.
    /// Decoded from the workers' live `progress` samples (`LiveSampleLayout`); `ns` has microsecond resolution.
    public struct Sample: Sendable {
        /// When processing of the message ended.
        public var ns: UInt64
        /// Index into `workers` of the process that processed it.
        public var worker: Int
        /// Partition of the run's one topic.
        public var partition: Int32
        public var offset: Int64
        /// Microseconds from the event's intended send time to the end of its processing (µs).
        public var latencyMicros: UInt64
        /// The event's user and the low 32 bits of its producer sequence (per-key order audit).
        public var userId: UInt32 = 0
        /// The low 32 bits of the producer sequence; 0, with `userId` 0, for a message that carries no kbench event.
        public var sequence: UInt32 = 0
    }
    /// A worker's group join state changed ("steady", "wait-join", …).
    /// Only changes are reported: the state holds until the next report of the same worker.
    public struct GroupState: Sendable {
        /// When the worker reported the state (from librdkafka statistics, so up to a statistics interval late).
        public var ns: UInt64
        /// Index into `workers`.
        public var worker: Int
        /// librdkafka's group `join_state` from its statistics; reported only when it changes.
        public var state: String
    }
    /// One consumer's turn in a `rolling-restart` deploy (see `RollingRestart`).
    /// Filled in by `RollingRestart` as the deploy goes; the analysis turns each into a row of its own.
    public struct RestartTurn: Sendable {
        /// The consumer slot ("c01").
        public var name: String
        /// The process told to leave, and when.
        public var stoppedWorker: Int
        public var stopNs: UInt64
        /// The process started in its place (nil when the deploy ended before it was started).
        public var restartedWorker: Int?
        /// When it had rejoined: it held an assignment and the group was whole and settled again; nil when that
        /// did not happen within the bound (`RollingRestart.rejoinBoundNs`).
        public var rejoinedNs: UInt64?
    }
    /// A script step as it was executed.
    /// Appended by the live-traffic mode when it carries out a step.
    public struct Event: Sendable {
        public var action: RebalanceScript.Action
        /// When the step was executed (its time in the script is relative to `startNs`).
        public var ns: UInt64
        /// The worker the event acted on (for join/restart: the new process); -1 for a broker fault.
        public var worker: Int
        /// A broker fault's target ("b2", "all brokers") and what it did ("b2 down; it led 1 4").
        public var target = ""
        public var detail = ""
        /// The `--on-event` command run at this step, and what it did.
        public var command: CommandOutcome?
        /// `rolling-restart`: each consumer's turn, in order.
        public var turns: [RestartTurn] = []
    }
    /// What an `--on-event` command did: exit status (nil when it had not ended by the end of the run, or could
    /// not start) and its output (stdout and stderr, shortened, secrets masked).
    /// Made by `EventCommand.finish` at the end of the run, whatever the command's state then.
    public struct CommandOutcome: Sendable {
        /// The command line as given.
        public var command: String
        public var exitStatus: Int32?
        public var output: String
    }

    /// The assignor (and group protocol) the run measured.
    public var assignor: Assignor
    /// Partitions of the run's one topic, numbered 0..<partitions.
    public var partitions: Int
    /// Start of traffic (the script's time zero).
    public var startNs: UInt64
    /// End of traffic.
    public var endNs: UInt64
    /// Every consumer process of the run, in spawn order; the other records point into it by index.
    public var workers: [Worker] = []
    /// Assignment reports in arrival order (`GroupOwnership` sorts them by time).
    public var assignments: [Assignment] = []
    /// Join-state changes reported by the workers.
    public var groupStates: [GroupState] = []
    /// Every processed message, duplicates included, in arrival order (the analysis sorts them by `ns`).
    public var samples: [Sample] = []
    /// The script's steps as executed, in order.
    public var events: [Event] = []
    /// Each partition's end offset after the producer finished.
    public var highWatermarks: [Int64] = []
    /// Each partition's low watermark, read before the workers start: the audit looks for holes from here.
    public var lowWatermarks: [Int64] = []
    /// Messages the live producer delivered (successful delivery reports).
    public var produced = 0
    /// Delivery reports that failed.
    public var deliveryFailures = 0
    /// Every delivery report of the live producer, and its request retries over time.
    public var deliveries: [DeliveryReport] = []
    public var retries: [RetryCount] = []
    /// Each partition's leader broker when traffic started (embedded cluster; empty on a real cluster).
    public var leadersAtStart: [Int32] = []
    /// Problems worth reporting (unexpected worker exits, consumer errors, an incomplete drain).
    public var notes: [String] = []
    /// The host's CPU counters when the traffic started and when it ended (nil where /proc/stat is unreadable).
    public var hostAtStart: HostCPU?
    public var hostAtEnd: HostCPU?

    /// An empty recording; the live-traffic mode sets `startNs` to "go" and `endNs` to go + duration, and appends
    /// to the lists as it observes.
    public init(assignor: Assignor, partitions: Int, startNs: UInt64, endNs: UInt64) {
        self.assignor = assignor
        self.partitions = partitions
        self.startNs = startNs
        self.endNs = endNs
    }

    /// Whether the worker's process was running at `ns`: spawned at or before it and not yet ended.
    func alive(_ worker: Int, at ns: UInt64) -> Bool {
        let w = workers[worker]
        return w.spawnNs <= ns && (w.endNs.map { ns < $0 } ?? true)
    }
}
