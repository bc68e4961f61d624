import Foundation

/// The shared key that authenticates every message between a runner and its agents (HMAC-SHA256).
///
/// Read from a file (`--agent-key-file`, `KBENCH_AGENT_KEY_FILE`; a mounted Kubernetes Secret) or from the environment
/// (`KBENCH_AGENT_KEY`), never from a command-line value: command lines show in `ps` and in results.
public struct AgentKey: Sendable {
    /// The environment variable holding the key itself.
    public static let environmentVariable = "KBENCH_AGENT_KEY"
    /// The environment variable naming a file that holds the key.
    public static let fileEnvironmentVariable = "KBENCH_AGENT_KEY_FILE"
    /// Shortest key accepted, bytes.
    public static let minimumBytes = 16

    let bytes: [UInt8]

    /// A key from its text (surrounding whitespace and newlines are not part of it).
    public init(text: String, source: String) throws(UsageError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.utf8.count >= Self.minimumBytes else {
            throw UsageError(
                "the agent key from \(source) is too short (\(trimmed.utf8.count) bytes): use at least \(Self.minimumBytes), "
                    + "e.g. the output of 'head -c 32 /dev/urandom | base64'")
        }
        bytes = Array(trimmed.utf8)
    }

    /// The key from `file`, else `$KBENCH_AGENT_KEY_FILE`, else `$KBENCH_AGENT_KEY`.
    public static func load(file: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws(UsageError) -> AgentKey {
        if let path = file ?? environment[fileEnvironmentVariable].flatMap({ $0.isEmpty ? nil : $0 }) {
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw UsageError("cannot read the agent key file \(path): it must exist, be readable and hold text")
            }
            return try AgentKey(text: text, source: "file \(path)")
        }
        if let text = environment[environmentVariable], !text.isEmpty {
            return try AgentKey(text: text, source: "$\(environmentVariable)")
        }
        throw UsageError(
            "agents need a shared key: put it in a file and pass it with --agent-key-file PATH to kbench agent and to the runner (or set \(fileEnvironmentVariable)), "
                + "or set \(environmentVariable); the key is never accepted as a command-line value")
    }

    /// The HMAC-SHA256 tag of `message`.
    func tag(_ message: [UInt8]) -> [UInt8] { AgentMAC.tag(message, key: bytes) }

    /// True when `tag` is `message`'s tag under this key (compared in constant time).
    func isValidTag(_ tag: [UInt8], for message: [UInt8]) -> Bool { AgentMAC.isValid(tag, for: message, key: bytes) }
}
