import Foundation
import Testing

@testable import KafkaBench

/// The deploy steps of a rebalance script: `rolling-restart@TIME[:GAP]` and `stall@TIME:CONSUMER:DURATION`.
@Suite struct DeployStepScriptTests {
    @Test func parsesARollingRestartWithAndWithoutAGap() throws {
        let s = try RebalanceScript(parsing: "rolling-restart@5s, rolling-restart@20s:1500ms", consumers: 3, duration: .seconds(40))
        #expect(s.steps.map(\.action) == [.rollingRestart, .rollingRestart])
        #expect(s.steps.map(\.gap) == [.seconds(0), .milliseconds(1500)])
        #expect(s.steps.map(\.text) == ["rolling-restart@5s", "rolling-restart@20s:1500ms"])
        #expect(!s.steps[0].action.isBrokerFault)
    }

    @Test func parsesAStallAndNormalisesTheSlotName() throws {
        let s = try RebalanceScript(parsing: "stall@5s:c1:8s, join@6s, stall@7s:C04:250ms", consumers: 3, duration: .seconds(30))
        #expect(s.steps.map(\.action) == [.stall, .join, .stall])
        #expect(s.steps.map(\.consumer) == ["c01", nil, "c04"])
        #expect(s.steps.map(\.stallDuration) == [.seconds(8), nil, .milliseconds(250)])
    }

    /// A restarted slot is running again; a slot that left is not.
    @Test func aStallFollowsTheSlotsThroughLeaveAndRestart() throws {
        _ = try RebalanceScript(parsing: "leave@1s, restart@2s, stall@3s:c01:1s", consumers: 2, duration: .seconds(10))
        _ = try RebalanceScript(parsing: "rolling-restart@1s, stall@9s:c02:1s", consumers: 2, duration: .seconds(20))
    }

    @Test(arguments: [
        ("stall@5s:c04:8s", "consumer c04 does not exist at 5s: the slots then are c01 c02 c03"),
        ("leave@2s, stall@5s:c01:8s", "consumer c01 is not running at 5s"),
        ("stall@5s:c01:0s", "DURATION must be above 0"),
        ("stall@5s:c01:-1s", "must not be negative"),
        ("stall@5s:c01", "expected stall@TIME:CONSUMER:DURATION"),
        ("stall@5s", "expected stall@TIME:CONSUMER:DURATION"),
        ("stall@5s:c01:8s:1s", "expected stall@TIME:CONSUMER:DURATION"),
        ("stall@5s:x01:8s", "'x01' is not a consumer slot"),
        ("stall@5s:c0:8s", "'c0' is not a consumer slot"),
        ("stall@5s:c01:8", "DURATION: invalid duration '8': a unit is required"),
        ("rolling-restart@5s:2", "GAP: invalid duration '2'"),
        ("rolling-restart@5s:1s:2s", "expected rolling-restart@TIME or rolling-restart@TIME:GAP"),
    ])
    func badDeployStepsSayWhatIsWrongAndTheAcceptedForm(script: String, expected: String) {
        do {
            _ = try RebalanceScript(parsing: script, consumers: 3, duration: .seconds(30))
            Issue.record("'\(script)' was accepted")
        } catch {
            #expect(error.message.contains("invalid --script step"), "\(error.message)")
            #expect(error.message.contains(expected), "\(error.message)")
            #expect(error.message.contains("rolling-restart@TIME[:GAP]") && error.message.contains("stall@TIME:CONSUMER:DURATION"), "\(error.message)")
        }
    }
}
