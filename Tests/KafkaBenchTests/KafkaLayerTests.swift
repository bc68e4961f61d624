import Foundation
import Testing

@testable import KafkaBench

/// The Kafka layer against the embedded broker (librdkafka's mock cluster hosted by the test process).
@Suite(.serialized) struct KafkaLayerTests {
    /// Reads every message of `topic` from the beginning until each partition reports its end.
    static func readAll(bootstrap: String, topic: String, partitions: Int) throws -> [(partition: Int32, offset: Int64, key: String, record: EventRecord?)] {
        let consumer = try KafkaConsumer(config: KafkaConfig(["bootstrap.servers": bootstrap, "enable.partition.eof": "true"]))
        try consumer.assign((0..<partitions).map { TopicPartition(topic, Int32($0)) })
        var out: [(Int32, Int64, String, EventRecord?)] = []
        var eof = Set<Int32>()
        let deadline = Date().addingTimeInterval(30)
        while eof.count < partitions && Date() < deadline {
            consumer.consumeBatch(timeoutMs: 100) { event in
                switch event {
                case .message(let m):
                    out.append((m.partition, m.offset, String(decoding: m.key, as: UTF8.self), EventRecord.decode(m.value)))
                case .partitionEOF(_, let p, _): eof.insert(p)
                case .error: break
                }
            }
        }
        try consumer.close()
        return out
    }

    @Test func producedMessagesAreReadBackWithMatchingPartitionCounts() throws {
        let broker = try EmbeddedBroker(brokers: 3)
        try broker.createTopic("events", partitions: 6)
        let plan = SeedPlan(topic: "events", partitions: 6, messages: 5_000, keys: 500, valueBytes: 64)
        let result = try Seeder.run(plan: plan, config: KafkaConfig(["bootstrap.servers": broker.bootstrapServers]))
        #expect(result.delivered == 5_000)
        #expect(result.failed == 0)

        let messages = try Self.readAll(bootstrap: broker.bootstrapServers, topic: "events", partitions: 6)
        #expect(messages.count == 5_000)
        var perPartition = [Int](repeating: 0, count: 6)
        var partitionOfKey: [String: Int32] = [:]
        var sequences = Set<UInt64>()
        for m in messages {
            perPartition[Int(m.partition)] += 1
            // the same key always lands on the same partition, and it is murmur2's partition
            if let seen = partitionOfKey[m.key] { #expect(seen == m.partition, "key \(m.key) on two partitions") }
            partitionOfKey[m.key] = m.partition
            #expect(Murmur2.partition(forKey: m.key, partitions: 6) == m.partition)
            let record = try #require(m.record)
            #expect(m.key == "user-\(record.userId)")
            sequences.insert(record.sequence)
        }
        #expect(perPartition == result.deliveredPerPartition)
        #expect(perPartition == result.expectedPerPartition)
        #expect(sequences.count == 5_000)
    }

    /// Two consumers of one group, polled on their own threads, get disjoint assignments covering every
    /// partition: for the eager assignors and for cooperative-sticky (incremental assign).
    @Test(arguments: Assignor.classic)
    func twoConsumersSplitThePartitions(assignor: Assignor) throws {
        let broker = try EmbeddedBroker(brokers: 1)
        try broker.createTopic("split", partitions: 5)
        let config = KafkaConfig([
            "bootstrap.servers": broker.bootstrapServers, "group.id": "g-\(assignor.rawValue)",
            "partition.assignment.strategy": assignor.rawValue, "session.timeout.ms": "6000",
            "heartbeat.interval.ms": "500", "auto.offset.reset": "earliest",
        ])
        final class Box: @unchecked Sendable {
            var assignments: [Set<TopicPartition>] = [[], []]
            var protocols: Set<RebalanceProtocol> = []
            var stop = false
            let lock = NSLock()
        }
        let box = Box()
        var threads: [Thread] = []
        for i in 0..<2 {
            // The consumer lives on its own thread, as KafkaConsumer requires; changes are taken after each poll.
            let t = Thread {
                guard let consumer = try? KafkaConsumer(config: config), (try? consumer.subscribe(["split"])) != nil else { return }
                while !box.lock.withLock({ box.stop }) {
                    consumer.consumeBatch(timeoutMs: 50) { _ in }
                    for change in consumer.takeAssignmentChanges() {
                        box.lock.withLock {
                            box.assignments[i] = change.assignment
                            box.protocols.insert(change.rebalanceProtocol)
                        }
                    }
                }
                try? consumer.close()
            }
            t.start()
            threads.append(t)
        }
        let stable = eventually(timeout: 25) {
            box.lock.withLock {
                let a = box.assignments
                return a[0].count + a[1].count == 5 && a[0].union(a[1]).count == 5 && !a[0].isEmpty && !a[1].isEmpty
            }
        }
        box.lock.withLock { box.stop = true }
        usleep(300_000)
        #expect(stable, "assignments: \(box.assignments)")
        #expect(box.assignments[0].isDisjoint(with: box.assignments[1]))
        #expect(box.protocols == [assignor == .cooperativeSticky ? .cooperative : .eager])
    }

    @Test func invalidPropertyNamesTheKey() throws {
        do {
            _ = try KafkaConsumer(config: KafkaConfig(["bootstrap.servers": "127.0.0.1:1", "no.such.property": "1"]))
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("no.such.property"))
        }
        do {
            _ = try KafkaProducer(config: KafkaConfig(["linger.ms": "not-a-number"]))
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("linger.ms"))
        }
    }

    @Test func secretValuesNeverAppearInConfigErrors() throws {
        do {
            _ = try KafkaProducer(config: KafkaConfig(["sasl.password": "hunter2-secret", "my.app.password": "hunter2-secret"]))
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("my.app.password=***"))
            #expect(!error.description.contains("hunter2-secret"))
        }
        #expect(
            KafkaConfig(["sasl.password": "x", "ssl.key.password": "y", "a.token": "z", "acks": "all"]).redacted
                == ["sasl.password": "***", "ssl.key.password": "***", "a.token": "***", "acks": "all"])
    }

    @Test func zeroPartitionTopicIsRefused() throws {
        let broker = try EmbeddedBroker()
        #expect(throws: KafkaError.self) { try broker.createTopic("t", partitions: 0) }
        let cluster = ClusterConnection(bootstrap: broker.bootstrapServers)
        do {
            try cluster.ensureTopic("t", partitions: 0)
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("at least 1"))
        }
    }

    @Test func unreachableBootstrapFailsQuicklyWithAClearError() throws {
        let start = Date()
        let cluster = ClusterConnection(bootstrap: "127.0.0.1:1", connectTimeoutMs: 3_000)
        do {
            _ = try cluster.metadata()
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("cannot reach the Kafka cluster at 127.0.0.1:1"))
            #expect(error.message.contains("--connect-timeout"))
        }
        #expect(Date().timeIntervalSince(start) < 10)
    }

    @Test func missingTopicOnARemoteEmbeddedBrokerSaysHowToCreateIt() throws {
        let broker = try EmbeddedBroker()
        let cluster = ClusterConnection(bootstrap: broker.bootstrapServers)
        #expect(try cluster.metadata().isEmbeddedBroker)
        do {
            try cluster.ensureTopic("missing", partitions: 4)
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("kbench broker --topic missing:4"))
        }
        // and nothing was auto-created behind our back
        #expect(try cluster.metadata().topics["missing"] == nil)
    }

    @Test func topicWithAnotherPartitionCountIsNotReused() throws {
        let broker = try EmbeddedBroker()
        try broker.createTopic("t8", partitions: 8)
        let cluster = ClusterConnection(bootstrap: broker.bootstrapServers)
        #expect(try cluster.ensureTopic("t8", partitions: 8) == .reused)
        do {
            try cluster.ensureTopic("t8", partitions: 4)
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("already exists with 8 partitions, but 4 were asked for"))
        }
    }

    @Test func backlogBeyondEmbeddedRetentionIsRefusedWithArithmetic() throws {
        let plan = SeedPlan(topic: "big", partitions: 10, messages: 1_000_000, keys: 100_000, valueBytes: 100)
        let counts = SeedPlan.partitionCounts(userIds: plan.userIds(), partitions: 10)
        #expect(counts.reduce(0, +) == 1_000_000)
        do {
            try plan.checkEmbeddedRetention(partitionCounts: counts)
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("KiB"))
            #expect(error.message.contains("more --partitions"))
        }
        let fits = SeedPlan(topic: "ok", partitions: 40, messages: 1_000_000, keys: 100_000, valueBytes: 100)
        try fits.checkEmbeddedRetention(partitionCounts: SeedPlan.partitionCounts(userIds: fits.userIds(), partitions: 40))
    }

    @Test func pauseStopsDeliveryAndResumeContinues() throws {
        let broker = try EmbeddedBroker()
        try broker.createTopic("p", partitions: 2)
        _ = try Seeder.run(
            plan: SeedPlan(topic: "p", partitions: 2, messages: 2_000, keys: 50, valueBytes: 32),
            config: KafkaConfig(["bootstrap.servers": broker.bootstrapServers]))
        let consumer = try KafkaConsumer(config: KafkaConfig(["bootstrap.servers": broker.bootstrapServers]))
        let all = [TopicPartition("p", 0), TopicPartition("p", 1)]
        try consumer.assign(all)
        try consumer.pause(all)
        var received = 0
        for _ in 0..<10 { consumer.consumeBatch(timeoutMs: 50) { if case .message = $0 { received += 1 } } }
        #expect(received == 0)
        try consumer.resume(all)
        let done = eventually(timeout: 10) {
            consumer.consumeBatch(timeoutMs: 50) { if case .message = $0 { received += 1 } }
            return received == 2_000
        }
        #expect(done, "received \(received)")
        try consumer.close()
    }
}
