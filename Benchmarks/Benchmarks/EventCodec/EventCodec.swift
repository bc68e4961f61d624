// Encoding and decoding kbench's event header (EventRecord): done once per produced message and, in live mode,
// once per consumed one. Both work over a ring of 64 different 100 B values so that the compiler can neither
// hoist nor collapse the loop.
import Benchmark
import KafkaBench

let eventsPerSecond = BenchmarkMetric.custom("events/s", polarity: .prefersLarger, useScalingFactor: false)
let valueBytes = 100
let ring = 64

let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal, eventsPerSecond],
        scalingFactor: .mega, maxDuration: .seconds(3), maxIterations: 50)

    Benchmark("encode a 100 B event", configuration: configuration) { benchmark in
        var values = [UInt8](repeating: 0, count: valueBytes * ring)
        let count = benchmark.scaledIterations.count
        let start = MonotonicClock.nanoseconds()
        values.withUnsafeMutableBytes { all in
            for i in benchmark.scaledIterations {
                let slot = (i & (ring - 1)) * valueBytes
                EventRecord(type: .play, userId: UInt32(truncatingIfNeeded: i), sequence: UInt64(i),
                            timestampNanos: UInt64(i) &* 1000)
                    .encode(into: UnsafeMutableRawBufferPointer(rebasing: all[slot..<(slot + valueBytes)]))
                if i & (ring - 1) == ring - 1 { blackHole(all[slot + 8]) }
            }
        }
        let elapsed = MonotonicClock.nanoseconds() - start
        blackHole(values)
        benchmark.measurement(eventsPerSecond, Int(Double(count) * 1e9 / Double(max(1, elapsed))))
    }

    Benchmark("decode a 100 B event", configuration: configuration) { benchmark in
        var values = [UInt8](repeating: 0, count: valueBytes * ring)
        values.withUnsafeMutableBytes { all in
            for i in 0..<ring {
                EventRecord(type: EventType.allCases[i % EventType.allCases.count], userId: UInt32(i), sequence: UInt64(i) * 7,
                            timestampNanos: UInt64(i) * 1000)
                    .encode(into: UnsafeMutableRawBufferPointer(rebasing: all[(i * valueBytes)..<((i + 1) * valueBytes)]))
            }
        }
        let count = benchmark.scaledIterations.count
        var sum: UInt64 = 0
        let start = MonotonicClock.nanoseconds()
        values.withUnsafeBytes { all in
            for i in benchmark.scaledIterations {
                let slot = ((i &* 37) & (ring - 1)) * valueBytes
                sum &+= EventRecord.decode(UnsafeRawBufferPointer(rebasing: all[slot..<(slot + valueBytes)]))?.sequence ?? 1
            }
        }
        let elapsed = MonotonicClock.nanoseconds() - start
        blackHole(sum)
        benchmark.measurement(eventsPerSecond, Int(Double(count) * 1e9 / Double(max(1, elapsed))))
    }
}
