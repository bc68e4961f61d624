import Foundation
import Testing

@testable import KafkaBench

/// `max_worker_rss_mib` is the trial's own workers' peak RSS, in MiB: never the runner's, whatever the runner's
/// size (a worker spawned by posix_spawn inherits the runner's ru_maxrss across exec).
@Suite(.serialized, .removesTemporaryFiles) struct WorkerMemoryTests {
    @Test func vmHWMIsParsedFromTheKernelsTabSeparatedLine() throws {
        #expect(ResourceUsage.peakResidentKibibytes(status: "Name:\tkbench\nVmHWM:\t   53300 kB\nVmRSS:\t 100 kB\n") == 53300)
        #expect(ResourceUsage.peakResidentKibibytes(status: "Name:\tkbench\n") == nil)
        let own = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        #expect((ResourceUsage.peakResidentKibibytes(status: own) ?? 0) > 0)
        #expect(ResourceUsage.current().peakRssMib.isFinite)
    }

    /// The runner (this test process) first touches 400 MiB; the workers it then spawns must still report
    /// their own few tens of MiB.
    @Test func workersOfALargeRunnerReportTheirOwnPeak() throws {
        let size = 400 << 20
        let ballast = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 4096)
        defer { ballast.deallocate() }
        for offset in stride(from: 0, to: size, by: 4096) { ballast.storeBytes(of: UInt8(1), toByteOffset: offset, as: UInt8.self) }
        let runnerMib = ResourceUsage.current().peakRssMib
        #expect(runnerMib > 400)
        let rows = try SweepTests.sweep({ _ in }, partitions: [2], consumers: [2])
        let rss = try #require(rows.first?.maxWorkerRssMib)
        #expect(rows.first?.status == .ok, "\(rows.first?.reason ?? "")")
        #expect(rss > 5 && rss < 200, "worker peak \(rss) MiB, runner \(runnerMib) MiB")
        withExtendedLifetime(ballast) {}
    }
}
