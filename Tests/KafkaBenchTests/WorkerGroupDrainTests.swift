import Foundation
import Testing

@testable import KafkaBench

/// A worker's final result is often the last thing it writes before it exits. Shutting a group down must read
/// every worker's output to the end, not stop as soon as every worker has exited: the capacity run once lost
/// whole consumers' finals (their audits and latency) that way.
@Suite struct WorkerGroupDrainTests {
    /// Starts `/bin/sh -c SCRIPT` instead of `kbench worker`.
    struct ShellPlacement: WorkerPlacement {
        var expectedLibrdkafka: String? { nil }
        let script: String
        func launch(name: String, runId: String) throws(RunError) -> WorkerProcess {
            try WorkerProcess(name: name, executable: "/bin/sh", arguments: ["-c", script])
        }
        var description: String { "shell" }
    }

    @Test func theLastLineOfAnExitedWorkerIsRead() throws {
        var ev = WorkerEvent(event: .final)
        ev.final = WorkerFinal(consumed: 7, bytes: 700, goNs: 1, doneNs: 2, cpuSeconds: 0, peakRssMib: nil, audits: [], rebalancesAfterGo: 0)
        let line = String(decoding: try JSONEncoder().encode(ev), as: UTF8.self)
        let group = WorkerGroup(placement: ShellPlacement(script: "printf '%s\\n' '\(line)'"), runId: "t")
        try group.spawn(WorkerSpec(name: "c01", topics: ["t"], properties: [:], work: .none, commit: .none, mode: .capacity))
        // the worker has written its final and exited before the runner read anything
        group.members[0].process.reap(wait: true)
        group.shutdown(graceMs: 2_000)
        #expect(group.members[0].final?.consumed == 7)
    }

    /// A runner that tells an exited worker to stop gets `false`, not SIGPIPE (which killed the whole test
    /// process once in CI: the library had relied on the command to ignore it).
    @Test func sendingToAnExitedWorkerFailsWithoutKillingTheRunner() throws {
        let worker = try WorkerProcess(name: "c01", executable: "/bin/sh", arguments: ["-c", "exec 0<&-; exit 0"])
        worker.reap(wait: true)
        #expect(worker.send("stop") == false)
    }
}
