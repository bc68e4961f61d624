import Foundation

@testable import KafkaBench

/// Trial rows and sweep CSV text built in memory for the report tests.
enum ReportFixtures {
    static func row(
        partitions: Int = 10, consumers: Int, assignor: String = "range", repeat rep: Int = 1,
        msgsPerS: Double, work: String = "none", mode: String = "window", r1: Double = 950,
        rateMin: Double? = nil, rateMax: Double? = nil, status: TrialStatus = .ok, reason: String = "",
        broker: String = "embedded"
    ) -> TrialRow {
        let active = min(consumers, partitions)
        let per = msgsPerS / Double(active)
        return TrialRow(
            runId: "test", timestamp: "2025-11-25T13:00:00Z", broker: broker, librdkafka: "2.3.0", topics: 1,
            partitions: partitions, consumers: consumers, assignor: assignor, work: work, mode: mode, messages: 100_000,
            repeat: rep, activeConsumers: active, idleConsumers: consumers - active,
            idleNames: (active < consumers ? (active + 1...consumers).map { "c\($0)" } : []).joined(separator: " "),
            minPartitionsPerConsumer: consumers > partitions ? 0 : partitions / consumers,
            maxPartitionsPerConsumer: (partitions + consumers - 1) / consumers, joinMs: 120, teardownMs: 30,
            seconds: 10, msgsPerS: msgsPerS, mbPerS: msgsPerS * 100 / 1e6, consumerRateMin: rateMin ?? per * 0.95,
            consumerRateMedian: per, consumerRateMax: rateMax ?? per * 1.05, r1: r1,
            modelWindow: r1 * Double(active), modelDrain: r1 * Double(partitions) / Double((partitions + consumers - 1) / consumers),
            efficiency: msgsPerS / (r1 * Double(active)), consumed: Int(msgsPerS * 12), duplicates: 0, lost: 0,
            workerCpuS: 1.5, maxWorkerRssMib: 40, status: status, reason: reason)
    }

    /// throughput(C) for C in 1...maxConsumers, three repeats with ±2% spread, for each assignor.
    static func sweep(
        partitions: Int = 10, maxConsumers: Int = 15, assignors: [String] = ["range", "roundrobin", "cooperative-sticky"],
        work: String = "none", throughput: (Int) -> Double
    ) -> [TrialRow] {
        var rows: [TrialRow] = []
        for a in assignors {
            for c in 1...maxConsumers {
                for (rep, f) in [0.98, 1.0, 1.02].enumerated() {
                    rows.append(
                        row(
                            partitions: partitions, consumers: c, assignor: a, repeat: rep + 1,
                            msgsPerS: throughput(c) * f, work: work))
                }
            }
        }
        return rows
    }

    /// The realistic shape: 950 msgs/s per consumer up to P = 10 partitions, flat beyond.
    static func linearThenFlat() -> [TrialRow] { sweep { 950 * Double(min($0, 10)) } }

    static func csv(_ rows: [TrialRow]) -> String {
        ([TrialRow.schemaLine, TrialRow.columns.joined(separator: ",")] + rows.map(\.csvLine)).joined(separator: "\n") + "\n"
    }

    static func temporaryDirectory() throws -> String {
        try TestSupport.tempDirectory()
    }

    /// A repository-like layout: `Results/NAME.csv` (and meta) beside an empty `plots/`.
    static func publishedRun(_ rows: [TrialRow], name: String = "sweep-test", meta: String? = nil) throws -> (root: String, csv: String) {
        let root = try temporaryDirectory()
        try FileManager.default.createDirectory(atPath: root + "/Results", withIntermediateDirectories: true)
        let path = root + "/Results/\(name).csv"
        try csv(rows).write(toFile: path, atomically: true, encoding: .utf8)
        if let meta { try meta.write(toFile: root + "/Results/\(name).meta.json", atomically: true, encoding: .utf8) }
        return (root, path)
    }

    static let meta = """
        {"command_line": "kbench sweep --partitions 10 --consumers 1...15 --repeat 3", "broker_kind": "embedded",
         "started": "2025-11-25T13:00:00Z", "host": {"cores": 2, "memoryGb": 7.8}, "kbench_version": "0.1.0",
         "librdkafka_version": "2.3.0", "settings": {"work": "none", "mode": "window", "key_distribution": "uniform"}}
        """
}
