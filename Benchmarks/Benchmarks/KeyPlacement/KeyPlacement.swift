// Key placement: formatting `user-<id>` keys and mapping them to partitions with murmur2 (what the seeder's
// checks and SeedPlan.partitionCounts do for every planned message).
import Benchmark
import KafkaBench

let keysPerSecond = BenchmarkMetric.custom("keys/s", polarity: .prefersLarger, useScalingFactor: false)

let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal, keysPerSecond],
        scalingFactor: .mega, maxDuration: .seconds(3), maxIterations: 50)

    Benchmark("murmur2 placement of user-<id> keys on 40 partitions", configuration: configuration) { benchmark in
        var formatter = KeyFormatter()
        var counts = [Int](repeating: 0, count: 40)
        let count = benchmark.scaledIterations.count
        let start = MonotonicClock.nanoseconds()
        for i in benchmark.scaledIterations {
            let p = formatter.withKey(i % 100_000) { Murmur2.partition(forKey: $0, partitions: 40) }
            counts[Int(p)] += 1
        }
        let elapsed = MonotonicClock.nanoseconds() - start
        blackHole(counts)
        benchmark.measurement(keysPerSecond, Int(Double(count) * 1e9 / Double(max(1, elapsed))))
    }

    Benchmark("seed plan: 1,000,000 uniform user ids placed on 40 partitions",
              configuration: .init(metrics: [.wallClock, .peakMemoryResident, keysPerSecond], maxDuration: .seconds(5), maxIterations: 10)) { benchmark in
        let plan = SeedPlan(topic: "t", partitions: 40, messages: 1_000_000)
        let start = MonotonicClock.nanoseconds()
        let counts = SeedPlan.partitionCounts(userIds: plan.userIds(), partitions: plan.partitions)
        let elapsed = MonotonicClock.nanoseconds() - start
        blackHole(counts)
        benchmark.measurement(keysPerSecond, Int(1e15 / Double(max(1, elapsed))))
    }
}
