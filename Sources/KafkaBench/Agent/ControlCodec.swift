import Foundation

/// Signs and checks control messages: an HMAC-SHA256 tag with the shared key, a freshness window and a replay
/// cache of nonces. A message is accepted only when its tag is right, it parses, it is neither stale nor from the
/// future (beyond the allowed clock difference), and its nonce was never accepted before.
///
/// Thread: not Sendable; each reader owns one (the nonce cache is per reader).
public final class ControlCodec {
    /// How far a sender's wall clock may be ahead of the receiver's (freshness only; never used to measure).
    public static let allowedClockDifferenceMs: Int64 = 30_000
    /// Longest lifetime a message may claim (expiresAt − issuedAt).
    public static let maximumLifetimeMs: Int64 = 60_000
    /// Lifetime given to messages sent.
    public static let lifetimeMs: Int64 = 30_000

    private let key: AgentKey
    private let encoder = JSONEncoder()
    private let decoder = JSONDecoder()
    /// Accepted nonces and when they may be forgotten (their message can no longer be fresh then).
    private var seen: [String: Int64] = [:]
    private var lastPruneMs: Int64 = 0
    /// The wall clock, ms since 1970 (replaceable in tests).
    var nowMs: () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }

    public init(key: AgentKey) {
        self.key = key
        encoder.outputFormatting = [.sortedKeys]
    }

    /// A new message of `kind` from `from`, stamped now, with a fresh nonce.
    public func make(_ kind: ControlMessage.Kind, run: String, from: String, to: String? = nil) -> ControlMessage {
        let now = nowMs()
        var m = ControlMessage(
            kind: kind, run: run, from: from, to: to, nonce: Self.nonce(), issuedAtMs: now, expiresAtMs: now + Self.lifetimeMs)
        m.sentNs = MonotonicClock.nanoseconds()
        return m
    }

    /// The wire form: `<tag hex>.<JSON>`.
    public func encode(_ message: ControlMessage) -> [UInt8] {
        let json = Array((try? encoder.encode(message)) ?? Data())
        return Array(Self.hex(key.tag(json)).utf8) + [0x2e] + json
    }

    /// Why a message was refused.
    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }

    /// The message in `wire` if it is authentic, well-formed, fresh and new; else why not. Accepting records
    /// its nonce, so the same bytes are refused the next time.
    public func decode(_ wire: [UInt8]) -> Result<ControlMessage, Refusal> {
        let tagDigits = AgentMAC.byteCount * 2
        guard wire.count > tagDigits + 1, wire[tagDigits] == 0x2e else { return .failure(Refusal(reason: "malformed: no authentication tag")) }
        let tagText = String(decoding: wire[0..<tagDigits], as: UTF8.self)
        let json = Array(wire[(tagDigits + 1)...])
        guard let tag = Self.unhex(tagText), key.isValidTag(tag, for: json) else {
            return .failure(Refusal(reason: "forged or corrupted: the authentication tag does not match the shared key"))
        }
        let message: ControlMessage
        do { message = try decoder.decode(ControlMessage.self, from: Data(json)) } catch {
            return .failure(Refusal(reason: "malformed: \(Self.describe(error))"))
        }
        let now = nowMs()
        if message.issuedAtMs > now + Self.allowedClockDifferenceMs {
            return .failure(Refusal(reason: "issued \(message.issuedAtMs - now) ms in the future (clocks more than 30 s apart?)"))
        }
        if message.expiresAtMs < now || message.expiresAtMs - message.issuedAtMs > Self.maximumLifetimeMs {
            return .failure(Refusal(reason: "stale: expired \(max(0, now - message.expiresAtMs)) ms ago (replayed?)"))
        }
        guard message.nonce.utf8.count == 32, Self.unhex(message.nonce) != nil else {
            return .failure(Refusal(reason: "malformed: the nonce must be 32 hex digits"))
        }
        if seen[message.nonce] != nil { return .failure(Refusal(reason: "replayed: nonce \(message.nonce) was already accepted")) }
        seen[message.nonce] = message.expiresAtMs + Self.allowedClockDifferenceMs
        if now - lastPruneMs > 10_000 {
            lastPruneMs = now
            seen = seen.filter { $0.value >= now }
        }
        return .success(message)
    }

    static func nonce() -> String {
        var g = SystemRandomNumberGenerator()
        return hex((0..<16).map { _ in UInt8.random(in: 0...255, using: &g) })
    }

    /// Lower-case hexadecimal of `bytes`: how tags and nonces travel.
    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes of lower-case hexadecimal `text`; nil for an odd length or any other character.
    static func unhex(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: return c - 0x30
            case 0x61...0x66: return c - 0x61 + 10
            default: return nil
            }
        }
        var out: [UInt8] = []
        for i in stride(from: 0, to: chars.count, by: 2) {
            guard let hi = value(chars[i]), let lo = value(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
        }
        return out
    }

    private static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let c), DecodingError.keyNotFound(_, let c), DecodingError.typeMismatch(_, let c),
            DecodingError.valueNotFound(_, let c):
            let path = c.codingPath.map(\.stringValue).joined(separator: ".")
            return (path.isEmpty ? "" : "\(path): ") + c.debugDescription
        default:
            return "\(error)"
        }
    }
}
