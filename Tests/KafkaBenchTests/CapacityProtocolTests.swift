import Foundation
import Histogram
import Testing

@testable import KafkaBench

/// What a capacity worker sends must cross the pipe: a final result carrying a latency histogram encodes and
/// decodes whole, whatever latencies it recorded.
@Suite struct CapacityProtocolTests {
    @Test(arguments: [[5_000, 12_000, 40_000], [300_000, 1_500_000, 3_000_000], [0, 1, 59_999_999]])
    func aFinalWithLatencyRoundTrips(values: [UInt64]) throws {
        var h = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
        for v in values { for _ in 0..<1000 { _ = h.record(v) } }
        var final = WorkerFinal(consumed: 3000, bytes: 300_000, goNs: 1, doneNs: 2, cpuSeconds: 0.5, peakRssMib: 30, audits: [], rebalancesAfterGo: 0)
        final.latencyMicros = h
        var ev = WorkerEvent(event: .final)
        ev.final = final
        let data = try JSONEncoder().encode(ev)
        let back = try JSONDecoder().decode(WorkerEvent.self, from: data)
        #expect(back.final?.latencyMicros?.totalCount == 3000)
        #expect(back.final?.latencyMicros?.valueAtPercentile(50) == h.valueAtPercentile(50))
    }
}
