import Crypto

/// The authentication tag of agent control messages: HMAC-SHA256 (RFC 2104) of the message bytes under the shared
/// key, computed by swift-crypto (BoringSSL on Linux). A tag is 32 bytes; the wire carries it as 64 lower-case hex
/// digits (`ControlCodec`).
///
/// Thread: stateless; safe from any thread.
enum AgentMAC {
    /// Bytes in a tag (SHA-256's digest size).
    static let byteCount = SHA256.byteCount

    /// The HMAC-SHA256 of `message` under `key`.
    static func tag(_ message: [UInt8], key: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }

    /// True when `tag` is the HMAC-SHA256 of `message` under `key`. The comparison takes time independent of where
    /// the tags differ, so a forger cannot learn a valid tag byte by byte from the agent's response times.
    static func isValid(_ tag: [UInt8], for message: [UInt8], key: [UInt8]) -> Bool {
        HMAC<SHA256>.isValidAuthenticationCode(tag, authenticating: message, using: SymmetricKey(data: key))
    }
}
