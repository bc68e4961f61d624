/// Everything observed during one assignor's rebalance run, in CLOCK_MONOTONIC nanoseconds; the input of
/// `RebalanceAnalysis`.
public struct RebalanceRecording: Sendable {
    /// One consumer process of the run, from its start to its end.
    public struct Worker: Sendable {
        public var name: String
        public var spawnNs: UInt64
        /// When it was killed, told to leave, or exited on its own.
        public var endNs: UInt64?
    }
    /// A worker's whole assignment after a change it reported (partition numbers of the run's one topic).
    public struct Assignment: Sendable {
        public var ns: UInt64
        public var worker: Int
        public var partitions: [Int32]
    }
    /// One processed message: when (processing end), by whom, which offset, and its end-to-end latency from the
    /// event's intended send time.
    public struct Sample: Sendable {
        public var ns: UInt64
        public var worker: Int
        public var partition: Int32
        public var offset: Int64
        public var latencyMicros: UInt64
        /// The event's user and the low 32 bits of its producer sequence (per-key order audit).
        public var userId: UInt32 = 0
        public var sequence: UInt32 = 0
    }
    /// A worker's group join state changed ("steady", "wait-join", …).
    public struct GroupState: Sendable {
        public var ns: UInt64
        public var worker: Int
        public var state: String
    }
    /// One consumer's turn in a `rolling-restart` deploy (see `RollingRestart`).
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
    public struct Event: Sendable {
        public var action: RebalanceScript.Action
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
    public struct CommandOutcome: Sendable {
        public var command: String
        public var exitStatus: Int32?
        public var output: String
    }

    public var assignor: Assignor
    public var partitions: Int
    /// Start of traffic (the script's time zero).
    public var startNs: UInt64
    /// End of traffic.
    public var endNs: UInt64
    public var workers: [Worker] = []
    public var assignments: [Assignment] = []
    public var groupStates: [GroupState] = []
    public var samples: [Sample] = []
    public var events: [Event] = []
    /// Each partition's end offset after the producer finished.
    public var highWatermarks: [Int64] = []
    public var lowWatermarks: [Int64] = []
    public var produced = 0
    public var deliveryFailures = 0
    /// Every delivery report of the live producer, and its request retries over time.
    public var deliveries: [DeliveryReport] = []
    public var retries: [RetryCount] = []
    /// Each partition's leader broker when traffic started (embedded cluster; empty on a real cluster).
    public var leadersAtStart: [Int32] = []
    /// Problems worth reporting (unexpected worker exits, consumer errors, an incomplete drain).
    public var notes: [String] = []

    public init(assignor: Assignor, partitions: Int, startNs: UInt64, endNs: UInt64) {
        self.assignor = assignor
        self.partitions = partitions
        self.startNs = startNs
        self.endNs = endNs
    }

    func alive(_ worker: Int, at ns: UInt64) -> Bool {
        let w = workers[worker]
        return w.spawnNs <= ns && (w.endNs.map { ns < $0 } ?? true)
    }
}
