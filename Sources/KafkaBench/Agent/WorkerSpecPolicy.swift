/// What an agent accepts in a worker spec from the control topic, checked field by field before anything runs,
/// and how the runner strips a spec of what must not travel there.
///
/// Properties that name files, libraries or commands (`*.location`, `plugin.library.paths`,
/// `sasl.kerberos.kinit.cmd`, …), credentials, and the connection itself (`bootstrap.servers`, `security.protocol`,
/// `sasl.*`, `ssl.*`) never come from a message: the agent takes them from its own configuration.
public enum WorkerSpecPolicy {
    /// Bounds on a spec's size.
    static let maxTopics = 64
    static let maxProperties = 200
    static let maxValueBytes = 4096

    /// True for a property a message may never set: the agent's own configuration supplies it or nobody does.
    public static func isAgentOwned(_ key: String) -> Bool {
        let k = key.lowercased()
        if Secrets.isSecret(k) { return true }
        if k == "bootstrap.servers" || k == "metadata.broker.list" || k == "security.protocol" { return true }
        if k.hasPrefix("sasl.") || k.hasPrefix("ssl.") || k.hasPrefix("ssl_") || k.hasPrefix("plugin.") { return true }
        for suffix in [".location", ".cmd", ".path", ".paths", ".directory", ".keytab", ".file", "_cb"] where k.hasSuffix(suffix) { return true }
        return false
    }

    /// The spec a runner sends: `properties` without the agent-owned ones.
    public static func stripped(_ spec: WorkerSpec) -> WorkerSpec {
        var s = spec
        s.properties = spec.properties.filter { !isAgentOwned($0.key) }
        return s
    }

    /// Checks every field of `spec` (from a message); returns the reason it is refused, or nil.
    public static func problem(with spec: WorkerSpec) -> String? {
        guard isName(spec.name, max: 32) else { return "worker name '\(spec.name.prefix(40))' is not 1 to 32 of [A-Za-z0-9_-]" }
        guard (1...maxTopics).contains(spec.topics.count) else { return "a worker subscribes to 1 to \(maxTopics) topics, not \(spec.topics.count)" }
        for t in spec.topics where !isTopic(t) { return "topic '\(t.prefix(60))' is not 1 to 249 of [A-Za-z0-9._-]" }
        for tp in spec.assign ?? [] where !isTopic(tp.topic) || tp.partition < 0 {
            return "assigned partition \(tp.topic.prefix(60))[\(tp.partition)] is not a valid topic partition"
        }
        if let n = spec.maxMessages, n < 0 { return "maxMessages must not be negative" }
        guard spec.properties.count <= maxProperties else { return "more than \(maxProperties) properties" }
        for (key, value) in spec.properties {
            guard isPropertyKey(key) else { return "property name '\(key.prefix(60))' is not a librdkafka property name" }
            if isAgentOwned(key) {
                return
                    "property \(key) may not come from the control topic (files, commands, credentials and the connection come from the agent's own configuration)"
            }
            guard value.utf8.count <= maxValueBytes, !value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) else {
                return "property \(key) has a value over \(maxValueBytes) bytes or with control characters"
            }
        }
        if let group = spec.properties["group.id"], !isTopic(group) { return "group.id '\(group.prefix(60))' is not 1 to 249 of [A-Za-z0-9._-]" }
        return nil
    }

    /// 1 to `max` of [A-Za-z0-9_-].
    public static func isName(_ s: String, max: Int) -> Bool {
        !s.isEmpty && s.utf8.count <= max && s.utf8.allSatisfy { isAlnum($0) || $0 == 0x5f || $0 == 0x2d }
    }

    static func isTopic(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.count <= 249 && s.utf8.allSatisfy { isAlnum($0) || $0 == 0x5f || $0 == 0x2d || $0 == 0x2e }
    }

    static func isPropertyKey(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.count <= 64 && s.utf8.allSatisfy { (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2e || $0 == 0x5f }
    }

    private static func isAlnum(_ c: UInt8) -> Bool { (0x30...0x39).contains(c) || (0x41...0x5a).contains(c) || (0x61...0x7a).contains(c) }
}
