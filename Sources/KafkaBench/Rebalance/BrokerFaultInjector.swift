/// Applies a script's broker faults to the embedded cluster, keeping track of which broker leads each partition
/// and which brokers are down (a failover moves leadership only to brokers that are up).
/// Owned by the live-traffic mode and called on the runner's thread at each broker-fault step.
struct BrokerFaultInjector {
    /// The embedded cluster this process hosts; faults go through its mock API.
    let broker: EmbeddedBroker
    /// The run's topic (failover moves its partitions' leadership) and group (`coordinator` moves its coordinator).
    let topic: String
    let group: String
    /// Each partition's leader, from metadata at the start, then as faults move it.
    private(set) var leaders: [Int32]
    /// Brokers currently down (ids from 1); a failover never moves leadership to one of them.
    private(set) var down: Set<Int32> = []

    /// `leaders[p]` is partition p's leader when traffic starts, read from metadata.
    init(broker: EmbeddedBroker, topic: String, group: String, leaders: [Int32]) {
        self.broker = broker
        self.topic = topic
        self.group = group
        self.leaders = leaders
    }

    /// The partitions broker `b` leads now.
    private func led(by b: Int32) -> [Int] { leaders.indices.filter { leaders[$0] == b } }

    /// "1 4", or "none".
    private func list(_ partitions: [Int]) -> String { partitions.isEmpty ? "none" : partitions.map(String.init).joined(separator: " ") }

    /// Applies one step; returns its target and a description of what it did.
    mutating func apply(_ step: RebalanceScript.Step) throws(KafkaError) -> (target: String, detail: String) {
        let b = step.broker ?? -1
        switch step.action {
        case .brokerDown:
            try broker.setBrokerDown(b)
            down.insert(b)
            return ("b\(b)", "b\(b) down; it leads partitions \(list(led(by: b)))")
        case .brokerUp:
            try broker.setBrokerUp(b)
            down.remove(b)
            return ("b\(b)", "b\(b) up; it leads partitions \(list(led(by: b)))")
        case .failover:
            let moving = led(by: b)
            let others = (1...Int32(broker.brokerCount)).filter { $0 != b && !down.contains($0) }
            guard !others.isEmpty || moving.isEmpty else {
                throw .usage("failover of broker \(b): no other broker is up to take over partitions \(list(moving))")
            }
            try broker.setBrokerDown(b)
            down.insert(b)
            var moves: [String] = []
            for (k, p) in moving.enumerated() {
                let to = others[k % others.count]
                try broker.setPartitionLeader(topic, partition: Int32(p), leader: to)
                leaders[p] = to
                moves.append("\(p)→b\(to)")
            }
            return ("b\(b)", "b\(b) down; leadership moved: \(moves.isEmpty ? "none" : moves.joined(separator: " "))")
        case .rtt:
            let ms = Int((step.rtt ?? .milliseconds(0)).milliseconds)
            try broker.setRoundTripTime(ms, broker: step.broker)
            return (step.broker.map { "b\($0)" } ?? "all brokers", "\(ms) ms added to every response")
        case .coordinator:
            try broker.setGroupCoordinator(group, broker: b)
            return ("b\(b)", "group coordinator on b\(b)" + (down.contains(b) ? " (which is down)" : ""))
        case .errors:
            guard let e = step.requestErrors else { return ("", "") }
            try broker.pushRequestErrors(apiKey: e.apiKey, errorCode: e.errorCode, count: e.count)
            return ("all brokers", "the next \(e.count) \(e.apiName) request(s) fail with \(e.errorName)")
        case .join, .leave, .kill, .restart, .rollingRestart, .stall:
            return ("", "")
        }
    }
}
