extension RebalanceAnalysis {
    /// The lag figures of an event from the group's lag at the end of each bucket (`groupLag[b]` is the lag, in
    /// messages, at `startNs + (b + 1) × bucketNs`). `steady` is `steadyLagMessages`: the group's lag in steady
    /// traffic, its highest value in the second before the run's first event plus 100 ms of traffic. Sets the event's
    /// `lagBeforeMessages`, `lagPeakMessages`, `lagPeakAfterMs` and `recoveryMs`; the window is the buckets that end
    /// in (`tE`, `tN`], a tie for the peak goes to the earliest bucket, and an empty window leaves the peak unset.
    static func lag(
        _ groupLag: [Int], startNs: UInt64, bucketNs: UInt64, steady: Int, from tE: UInt64, to tN: UInt64, isLast: Bool,
        into e: inout RebalanceEventResult
    ) {
        let end = { (b: Int) in startNs + UInt64(b + 1) * bucketNs }
        e.lagBeforeMessages = maxLag(groupLag, startNs: startNs, bucketNs: bucketNs, before: tE)
        // buckets that end in the window; the run's last window (`isLast`) also takes the bucket that ends after it
        let window = groupLag.indices.filter { end($0) > tE && (end($0) <= tN || (isLast && end($0) - bucketNs < tN)) }
        guard let peakBucket = window.max(by: { groupLag[$0] < groupLag[$1] || (groupLag[$0] == groupLag[$1] && $0 > $1) }) else { return }
        e.lagPeakMessages = groupLag[peakBucket]
        e.lagPeakAfterMs = ms(end(peakBucket) - tE)
        if groupLag[peakBucket] <= steady {
            e.recoveryMs = 0
        } else if let back = window.first(where: { $0 > peakBucket && groupLag[$0] <= steady }) {
            e.recoveryMs = ms(end(back) - tE)
        }
    }

    /// The group's highest lag, in messages, over the buckets that end in the second before `ns` (0 when none does).
    static func maxLag(_ groupLag: [Int], startNs: UInt64, bucketNs: UInt64, before ns: UInt64) -> Int {
        let end = { (b: Int) in startNs + UInt64(b + 1) * bucketNs }
        return groupLag.indices.filter { end($0) <= ns && end($0) + 1_000_000_000 >= ns }.map { groupLag[$0] }.max() ?? 0
    }
}
