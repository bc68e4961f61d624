import Foundation
import Testing

@testable import KafkaBench

/// `kbench rebalance` as users run it: its files, and its exit code when a message is lost.
@Suite(.serialized, .removesTemporaryFiles) struct RebalanceCommandTests {
    /// A worker leaves one message it processed after the join out of its reports: the run counts it lost on the
    /// join event, lists its offset, saves the totals, and exits 3. The message is one processed late (the 900th of
    /// c01's, after the join's rebalance has settled), and offsets are committed after every batch, so it is not
    /// redelivered to another owner, which would rightly make it processed after all.
    @Test func aLossAfterAJoinIsReportedOnTheJoinAndFailsTheRun() throws {
        let dir = try TestSupport.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let csv = dir + "/run.csv"
        let run = try TestSupport.kbench(
            [
                "rebalance", "--partitions", "2", "--consumers", "1", "--script", "join@2s", "--rate", "200", "--duration", "8s", "--commit", "sync",
                "--out", csv, "--no-report",
            ],
            timeout: 90, environment: [InjectedFault.environmentVariable: "lose:900"])
        #expect(run.status == 3, "\(run.stderr)")
        #expect(run.stderr.contains("never processed"), "\(run.stderr)")
        let events = try TestSupport.csvRows(ResultPaths.events(forCSV: csv))
        let join = try #require(events.first { $0["event"] == "join" })
        #expect(join["lost"] == "1", "\(join)")
        #expect(join["lost_ranges"]?.isEmpty == false)
        let totals = try TestSupport.csvRows(ResultPaths.stem(csv) + "-totals.csv")
        #expect(totals.first?["lost"] == "1" && totals.first?["lost_ranges"] == join["lost_ranges"], "\(totals)")
        #expect(FileManager.default.fileExists(atPath: ResultPaths.stem(csv) + "-partitions.csv"))
    }
}
