import CSupport
import Foundation
import Testing

@testable import KafkaBench

/// `spin:DURATION` is CPU time, not wall time: a spinning thread that shares its core with another still burns
/// the full duration of CPU per message (a correctness check on the thread CPU clock, not a benchmark).
@Suite struct SpinWorkTests {
    /// Two threads pinned to the same core each run 20 spins of 5 ms. Each must use ≥ 100 ms of its own CPU time.
    /// A spin on the wall clock gives each about half that: the scheduler's time slices on a shared core (a few
    /// ms) are shorter than one spin, so each spin's wall time is shared with the other thread.
    @Test func spinBurnsItsDurationOfThreadCPUTimeEvenOnASharedCore() throws {
        let work = try WorkModel(parsing: "spin:5ms")
        final class Box: @unchecked Sendable { var cpuNs: [Int64] = [0, 0]; var pinned: [Int32] = [-1, -1] }
        let box = Box()
        let wallStart = MonotonicClock.nanoseconds()
        let done = DispatchSemaphore(value: 0)
        for i in 0..<2 {
            Thread {
                box.pinned[i] = kbench_pin_thread_to_one_cpu()
                let start = kbench_thread_cpu_ns()
                for _ in 0..<20 { work.perform() }
                box.cpuNs[i] = kbench_thread_cpu_ns() - start
                done.signal()
            }.start()
        }
        done.wait()
        done.wait()
        let wallMs = Double(MonotonicClock.nanoseconds() - wallStart) / 1e6
        for i in 0..<2 {
            #expect(box.cpuNs[i] >= 100_000_000, "thread \(i) used \(Double(box.cpuNs[i]) / 1e6) ms of CPU")
        }
        // Both pinned to one core: 200 ms of CPU between them needs at least 200 ms of wall time.
        #expect(box.pinned[0] >= 0 && box.pinned[0] == box.pinned[1])
        #expect(wallMs >= 200, "\(wallMs) ms")
    }

    @Test func threadCPUClockDoesNotAdvanceWhileSleeping() throws {
        let start = kbench_thread_cpu_ns()
        try WorkModel(parsing: "sleep:20ms").perform()
        #expect(kbench_thread_cpu_ns() - start < 10_000_000)
    }
}
