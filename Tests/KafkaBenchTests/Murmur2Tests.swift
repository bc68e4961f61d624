import Testing

@testable import KafkaBench

@Suite struct Murmur2Tests {
    /// Kafka's own test vectors for `Utils.murmur2` (UtilsTest.testMurmur2 in Apache Kafka).
    @Test func matchesJavaHashVectors() {
        let cases: [(String, Int32)] = [
            ("21", -973_932_308),
            ("foobar", -790_332_482),
            ("a-little-bit-long-string", -985_981_536),
            ("a-little-bit-longer-string", -1_486_304_829),
            ("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58_897_971),
            ("abc", 479_470_107),
        ]
        for (key, expected) in cases {
            #expect(Murmur2.hash(Array(key.utf8)) == expected, "murmur2(\(key))")
        }
    }

    @Test func partitionIsPositiveModulo() {
        // (hash & 0x7fffffff) % n, as Java's Utils.toPositive(murmur2(key)) % n
        let h = Murmur2.hash(Array("foobar".utf8))
        #expect(Murmur2.partition(forKey: "foobar", partitions: 10) == Int32((Int(h) & 0x7fff_ffff) % 10))
        for n in [1, 3, 10, 40] {
            for id in 0..<200 {
                let p = Murmur2.partition(forKey: "user-\(id)", partitions: n)
                #expect(p >= 0 && p < n)
            }
        }
    }

    @Test func keyFormatterWritesUserKeys() {
        var f = KeyFormatter()
        for id in [0, 7, 10, 99_999, 123_456_789] {
            let s = f.withKey(id) { String(decoding: $0, as: UTF8.self) }
            #expect(s == "user-\(id)")
        }
    }
}
