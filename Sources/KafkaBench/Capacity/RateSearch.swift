/// `--find-max-rate` for one consumer count: the highest rate that sustains, to within 5%.
///
/// It brackets from a first guess (×1.25 up while trials sustain, ×0.8 down while they fall behind), then
/// bisects. A single noisy trial must not steer the answer, so before it ends it repeats the bracket's ends:
/// the low end must sustain again and the high end fall behind again. A repeat that disagrees moves the bracket
/// and the search goes on. Every step is a fresh bounded trial; steps are capped.
public struct RateSearch: Sendable {
    /// One trial of the search.
    public struct Step: Sendable, Equatable {
        public var rate: Double
        /// bracket, bisect, confirm-low or confirm-high.
        public var role: String
        public var outcome: CapacityVerdict.Kind?
    }

    public static let tolerance = 0.05
    public static let maxSteps = 14

    public private(set) var steps: [Step] = []
    /// Highest rate that sustained (and how often in a row), lowest rate that fell behind (likewise).
    public private(set) var low: Double?
    public private(set) var high: Double?
    private var lowConfirmations = 0
    private var highConfirmations = 0
    /// Rates above this are not tried (the embedded broker's retention, or where producers could not keep up).
    public private(set) var ceiling: Double
    /// Why the search ended, once it has.
    public private(set) var conclusion: String?

    public init(start: Double, ceiling: Double = .infinity) {
        self.ceiling = ceiling
        steps = [Step(rate: min(start, ceiling).rounded(), role: "bracket")]
    }

    /// The next rate to try, or nil when the search has ended.
    public var next: Step? { conclusion == nil ? steps.last.flatMap { $0.outcome == nil ? $0 : nil } : nil }

    /// The highest rate found to sustain (confirmed by a repeat), nil when none did.
    public var answer: Double? { lowConfirmations >= 2 ? low : nil }

    /// Records the outcome of the pending step and plans the next one.
    public mutating func record(_ outcome: CapacityVerdict.Kind) {
        guard conclusion == nil, let i = steps.indices.last, steps[i].outcome == nil else { return }
        steps[i].outcome = outcome
        let rate = steps[i].rate
        switch outcome {
        case .sustains:
            if rate == low { lowConfirmations += 1 } else if low == nil || rate > low! { low = rate; lowConfirmations = 1 }
            if let h = high, rate >= h { high = nil; highConfirmations = 0 }
        case .fallsBehind:
            if rate == high { highConfirmations += 1 } else if high == nil || rate < high! { high = rate; highConfirmations = 1 }
            if let l = low, rate <= l { low = nil; lowConfirmations = 0 }
        case .invalid:
            // the producers could not hold this rate: nothing at or above it can be measured here
            ceiling = min(ceiling, rate * 0.95)
            if let h = high, h >= rate { high = nil; highConfirmations = 0 }
        case .failed:
            conclusion = "a trial failed at \(Int(rate)) events/s"
            return
        }
        plan()
    }

    private mutating func plan() {
        if steps.count >= Self.maxSteps {
            conclusion = "stopped after \(Self.maxSteps) steps"
            return
        }
        switch (low, high) {
        case (nil, nil):
            // only invalid steps so far: try lower
            let r = steps.last!.rate * 0.8
            propose(r, "bracket")
        case (let l?, nil):
            if l >= ceiling * 0.999 {
                if lowConfirmations >= 2 {
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
                if lowConfirmations < 2 {
                    propose(l, "confirm-low")
                } else if highConfirmations < 2 {
                    propose(h, "confirm-high")
                } else {
                    conclusion = "sustains \(Int(l)) events/s, falls behind at \(Int(h)) (each seen twice)"
                }
            } else {
                propose((l + h) / 2, "bisect")
            }
        }
    }

    private mutating func propose(_ rate: Double, _ role: String) {
        steps.append(Step(rate: rate.rounded(), role: role))
    }
}
