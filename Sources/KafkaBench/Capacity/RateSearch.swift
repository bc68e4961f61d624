/// `--find-max-rate` for one consumer count: the highest rate that sustains, to within 5%.
///
/// It brackets from a first guess (×1.25 up while trials sustain, ×0.8 down while they fall behind), then
/// bisects. Near the capacity single trials are noisy, so every rate's outcome is the majority of its trials (a
/// tie is tried again), the bracket is rebuilt from all the evidence after every step (the low end: the highest
/// rate that sustains below the lowest that falls behind), and before it ends the search repeats the bracket's
/// ends until the low end has sustained twice and the high end fallen behind twice. A noisy first step therefore
/// cannot steer the answer. Every step is a fresh bounded trial; steps are capped.
public struct RateSearch: Sendable {
    /// One trial of the search.
    /// Written to the capacity CSV as the row's `search` role and `step` number.
    public struct Step: Sendable, Equatable {
        /// The rate tried, events/s, rounded to a whole number.
        public var rate: Double
        /// bracket, bisect, repeat (a tie), confirm-low or confirm-high.
        public var role: String
        /// The trial's verdict; nil while the step is pending.
        public var outcome: CapacityVerdict.Kind?
    }

    /// The search ends when the lowest failing rate is within 5% above the highest sustaining one.
    public static let tolerance = 0.05
    /// At most this many trials per consumer count; the search then ends with what it has.
    public static let maxSteps = 14

    /// Every step so far, in order; the last is pending when `next` is not nil.
    public private(set) var steps: [Step] = []
    /// Rates above this are not tried (the embedded broker's retention, or where producers could not keep up).
    public private(set) var ceiling: Double
    /// Why the search ended, once it has.
    public private(set) var conclusion: String?

    /// A search whose first step brackets from `start` (capped at `ceiling`).
    public init(start: Double, ceiling: Double = .infinity) {
        self.ceiling = ceiling
        steps = [Step(rate: min(start, ceiling).rounded(), role: "bracket")]
    }

    /// The next rate to try, or nil when the search has ended.
    public var next: Step? { conclusion == nil ? steps.last.flatMap { $0.outcome == nil ? $0 : nil } : nil }

    /// Trials at `rate` that sustained and that fell behind.
    public func tally(_ rate: Double) -> (sustained: Int, fellBehind: Int) {
        let at = steps.filter { $0.rate == rate }
        return (at.filter { $0.outcome == .sustains }.count, at.filter { $0.outcome == .fallsBehind }.count)
    }

    /// The lowest rate whose trials mostly fell behind.
    public var high: Double? {
        Set(steps.map(\.rate)).filter {
            let t = tally($0); return t.fellBehind > t.sustained
        }.min()
    }

    /// The highest rate whose trials mostly sustained, below `high`.
    public var low: Double? {
        let h = high ?? .infinity
        return Set(steps.map(\.rate)).filter {
            let t = tally($0); return t.sustained > t.fellBehind && $0 < h
        }.max()
    }

    /// The highest rate found to sustain, seen at least twice; nil when none is.
    public var answer: Double? { low.flatMap { tally($0).sustained >= 2 ? $0 : nil } }

    /// Records the outcome of the pending step and plans the next one.
    public mutating func record(_ outcome: CapacityVerdict.Kind) {
        guard conclusion == nil, let i = steps.indices.last, steps[i].outcome == nil else { return }
        steps[i].outcome = outcome
        switch outcome {
        case .failed:
            conclusion = "a trial failed at \(Int(steps[i].rate)) events/s"
            return
        case .invalid:
            // the producers could not hold this rate: nothing at or above it can be measured here
            ceiling = min(ceiling, steps[i].rate * 0.95)
        case .sustains, .fallsBehind:
            break
        }
        plan()
    }

    /// Chooses the next step from all the evidence: a tie is repeated, then the bracket is widened (×1.25 up, ×0.8
    /// down) until both ends exist, bisected until within `tolerance`, and its ends confirmed twice each; or it ends.
    private mutating func plan() {
        if steps.count >= Self.maxSteps {
            conclusion = "stopped after \(Self.maxSteps) steps"
            return
        }
        // a rate tried as often with either outcome gets another trial
        if let tie = Set(steps.map(\.rate)).filter({
            let t = tally($0); return t.sustained > 0 && t.sustained == t.fellBehind
        }).min() {
            propose(tie, "repeat")
            return
        }
        switch (low, high) {
        case (nil, nil):
            // only invalid steps so far: try lower
            propose(steps.last!.rate * 0.8, "bracket")
        case (let l?, nil):
            if l >= ceiling * 0.999 {
                if tally(l).sustained >= 2 {
                    conclusion = "reached the highest rate the harness can produce here (\(Int(ceiling)) events/s): the group sustains at least that"
                } else {
                    propose(l, "confirm-low")
                }
                return
            }
            propose(min(l * 1.25, ceiling), "bracket")
        case (nil, let h?):
            propose(h * 0.8, "bracket")
        case (let l?, let h?):
            if h / l <= 1 + Self.tolerance {
                if tally(l).sustained < 2 {
                    propose(l, "confirm-low")
                } else if tally(h).fellBehind < 2 {
                    propose(h, "confirm-high")
                } else {
                    conclusion = "sustains \(Int(l)) events/s, falls behind at \(Int(h)) (each seen at least twice)"
                }
            } else {
                propose((l + h) / 2, "bisect")
            }
        }
    }

    /// Replaces the pending step by a given one (replaying recorded trials).
    mutating func force(rate: Double, role: String) {
        if let i = steps.indices.last, steps[i].outcome == nil { steps[i] = Step(rate: rate, role: role) } else { steps.append(Step(rate: rate, role: role)) }
        conclusion = nil
    }

    /// Appends a pending step at `rate`, rounded to a whole number of events/s.
    private mutating func propose(_ rate: Double, _ role: String) {
        steps.append(Step(rate: rate.rounded(), role: role))
    }
}
