import Histogram

extension RebalanceAnalysis {
    /// Produce latency (enqueue to delivery report) and failures of the messages enqueued in [from, to) (monotonic
    /// ns; `to: .max` for the whole run). A report's enqueue time is its arrival minus its latency. The percentiles
    /// are in ms over the successful deliveries only, and all 0 when there were none.
    static func produceFigures(_ deliveries: [DeliveryReport], from: UInt64, to: UInt64) -> (failed: Int, p50: Double, p99: Double, max: Double) {
        var h = newHistogram()
        var failed = 0
        for d in deliveries {
            let latencyNs = UInt64(max(0, d.latencyMicros)) * 1000
            let enqueued = d.ns > latencyNs ? d.ns - latencyNs : 0
            guard enqueued >= from && enqueued < to else { continue }
            if d.failed { failed += 1 } else { _ = h.record(UInt64(max(0, d.latencyMicros))) }
        }
        guard h.totalCount > 0 else { return (failed, 0, 0, 0) }
        return (failed, Double(h.valueAtPercentile(50)) / 1000, Double(h.valueAtPercentile(99)) / 1000, Double(h.max) / 1000)
    }
}
