/// The value of every event kbench produces: a fixed 24-byte little-endian header, zero-padded to the
/// requested size.
///
/// | bytes | field |
/// |-------|-------|
/// | 0     | magic `0x4B` ('K') |
/// | 1     | format version (1) |
/// | 2     | event type (`EventType` raw value) |
/// | 3     | reserved (0) |
/// | 4–7   | user id (UInt32) |
/// | 8–15  | producer sequence number (UInt64, per topic, from 0) |
/// | 16–23 | timestamp: Unix epoch nanoseconds the event was (meant to be) sent (UInt64) |
///
/// The key is `user-<id>`, so all of one user's events land, in order, on one partition.
public struct EventRecord: Equatable, Sendable {
    /// Bytes of the header: the smallest value a kbench event can have (`--value-bytes` is checked against it).
    public static let headerSize = 24
    /// First byte of every kbench event ('K'); a value without it is not decoded as an event.
    public static let magic: UInt8 = 0x4B
    /// The header format; a reader refuses other versions rather than misread them.
    public static let version: UInt8 = 1

    /// What the user did; the producer loop derives it from the sequence and user, and nothing measures by it.
    public var type: EventType
    /// The user the event belongs to; also the message key (`user-<id>`), which fixes its partition.
    public var userId: UInt32
    /// The producer's sequence number, per topic from 0: the per-key order audit compares it within a user.
    public var sequence: UInt64
    /// When the event was (meant to be) sent, Unix epoch ns (CLOCK_REALTIME): end-to-end latency is measured from it,
    /// so a producer running late does not hide the lateness.
    public var timestampNanos: UInt64

    public init(type: EventType, userId: UInt32, sequence: UInt64, timestampNanos: UInt64) {
        self.type = type
        self.userId = userId
        self.sequence = sequence
        self.timestampNanos = timestampNanos
    }

    /// Writes the header into the first 24 bytes of `buffer` (which must be at least that long).
    @inline(__always)
    public func encode(into buffer: UnsafeMutableRawBufferPointer) {
        precondition(buffer.count >= Self.headerSize)
        buffer[0] = Self.magic
        buffer[1] = Self.version
        buffer[2] = type.rawValue
        buffer[3] = 0
        buffer.storeBytes(of: userId.littleEndian, toByteOffset: 4, as: UInt32.self)
        buffer.storeBytes(of: sequence.littleEndian, toByteOffset: 8, as: UInt64.self)
        buffer.storeBytes(of: timestampNanos.littleEndian, toByteOffset: 16, as: UInt64.self)
    }

    /// Reads a record from a message value; nil if it is too short or not a kbench event.
    @inline(__always)
    public static func decode(_ bytes: UnsafeRawBufferPointer) -> EventRecord? {
        guard bytes.count >= headerSize, bytes[0] == magic, bytes[1] == version,
            let type = EventType(rawValue: bytes[2])
        else { return nil }
        return EventRecord(
            type: type,
            userId: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4, as: UInt32.self)),
            sequence: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
            timestampNanos: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self)))
    }
}

/// What a user did, as in a streaming service's event log.
/// The producer loop derives it from the sequence and user; nothing measures by it.
public enum EventType: UInt8, CaseIterable, Sendable, Codable {
    /// The raw value is byte 2 of the header.
    case view = 0, play, pause, rewind, search, recommendation, like, skip
}

/// Formats `user-<id>` keys into a reusable buffer without allocating.
/// One per producing loop (not shared between threads): it reuses one buffer.
public struct KeyFormatter {
    /// "user-" followed by room for the digits of any `Int`.
    private var buffer: [UInt8] = Array("user-".utf8) + [UInt8](repeating: 0, count: 27)
    public init() {}

    /// Calls `body` with the bytes of `user-<id>`.
    @inline(__always)
    public mutating func withKey<R>(_ id: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try buffer.withUnsafeMutableBytes { raw in
            var digits = 0, v = id
            repeat { digits += 1; v /= 10 } while v > 0
            v = id
            for i in stride(from: 5 + digits - 1, through: 5, by: -1) {
                raw[i] = UInt8(truncatingIfNeeded: 0x30 + v % 10)
                v /= 10
            }
            return try body(UnsafeRawBufferPointer(rebasing: raw[0..<(5 + digits)]))
        }
    }
}
