/// Kafka's murmur2 key hash and partitioner: the placement Java clients use by default and librdkafka uses
/// with `partitioner=murmur2_random`. Lets kbench know, before producing, where every key will land.
/// The sweep predicts per-partition counts with it, and `kbench seed` checks the delivered counts against them.
public enum Murmur2 {
    /// Kafka's `Utils.murmur2` (seed 0x9747b28c), as a signed 32-bit value like Java's.
    public static func hash(_ data: UnsafeRawBufferPointer) -> Int32 {
        let length = data.count
        let seed: UInt32 = 0x9747_b28c
        let m: UInt32 = 0x5bd1_e995
        let r: UInt32 = 24
        var h: UInt32 = seed ^ UInt32(truncatingIfNeeded: length)
        let length4 = length / 4
        for i in 0..<length4 {
            let i4 = i * 4
            var k = UInt32(data[i4]) | UInt32(data[i4 + 1]) << 8 | UInt32(data[i4 + 2]) << 16 | UInt32(data[i4 + 3]) << 24
            k = k &* m
            k ^= k >> r
            k = k &* m
            h = h &* m
            h ^= k
        }
        let tail = length4 * 4
        switch length % 4 {
        case 3:
            h ^= UInt32(data[tail + 2]) << 16
            fallthrough
        case 2:
            h ^= UInt32(data[tail + 1]) << 8
            fallthrough
        case 1:
            h ^= UInt32(data[tail])
            h = h &* m
        default:
            break
        }
        h ^= h >> 13
        h = h &* m
        h ^= h >> 15
        return Int32(bitPattern: h)
    }

    /// The same hash of a byte array.
    public static func hash(_ bytes: [UInt8]) -> Int32 {
        bytes.withUnsafeBytes { hash($0) }
    }

    /// The partition Kafka's default partitioner picks for a non-empty key: `(murmur2(key) & 0x7fffffff) % n`.
    public static func partition(forKey key: UnsafeRawBufferPointer, partitions: Int) -> Int32 {
        Int32((Int(hash(key)) & 0x7fff_ffff) % partitions)
    }

    /// The partition of a key given as text (its UTF-8 bytes), e.g. "user-17".
    public static func partition(forKey key: String, partitions: Int) -> Int32 {
        var key = key
        return key.withUTF8 { partition(forKey: UnsafeRawBufferPointer($0), partitions: partitions) }
    }
}
