import Foundation
import Testing

@testable import KafkaBench

/// `kbench rebalance` as users run it: its files, and its exit code when a message is lost.
@Suite(.serialized, .removesTemporaryFiles) struct RebalanceCommandTests {
    /// The workers never report offset 300 of partition 0 (produced about 1 s after the join at 100 events/s per
    /// partition), however often they process it: the run counts it lost on the join event, lists its offset,
    /// saves the totals, and exits 3.
    @Test func aLossAfterAJoinIsReportedOnTheJoinAndFailsTheRun() throws {
        let dir = try TestSupport.tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let csv = dir + "/run.csv"
        let run = try TestSupport.kbench(
            [
                "rebalance", "--partitions", "2", "--consumers", "1", "--script", "join@2s", "--rate", "200", "--duration", "8s", "--commit", "sync",
                "--out", csv, "--no-report",
            ],
            timeout: 90, environment: [InjectedFault.environmentVariable: "lose-offset:0:300"])
        #expect(run.status == 3, "\(run.stderr)")
        #expect(run.stderr.contains("never processed"), "\(run.stderr)")
        let events = try TestSupport.csvRows(ResultPaths.events(forCSV: csv))
        let join = try #require(events.first { $0["event"] == "join" })
        #expect(join["lost"] == "1", "\(join)")
        #expect(join["lost_ranges"] == "0:300", "\(join)")
        let totals = try TestSupport.csvRows(ResultPaths.stem(csv) + "-totals.csv")
        #expect(totals.first?["lost"] == "1" && totals.first?["lost_ranges"] == join["lost_ranges"], "\(totals)")
        #expect(FileManager.default.fileExists(atPath: ResultPaths.stem(csv) + "-partitions.csv"))
    }
}
