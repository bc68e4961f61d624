import Foundation
import Synchronization

/// The rate-paced producer of a rebalance run, on its own thread (librdkafka's produce and poll block).
///
/// Sendable: its only mutable state is behind a `Mutex`; the rest is immutable.
final class LiveProducer: Sendable {
    /// What the producer did, read by the runner after `finish()`.
    /// Written once by the producer thread when it is done; `finish` hands it over.
    struct Outcome: Sendable {
        /// Successful and failed deliveries after the final flush.
        var delivered = 0
        var failed = 0
        /// The first delivery failure's error, or why the producer could not run or flush.
        var error: String?
        /// Every delivery report, for produce latency per event window.
        var deliveries: [DeliveryReport] = []
        /// Cumulative request retries every 250 ms (statistics).
        var retries: [RetryCount] = []
    }
    /// Shared with the producer thread: the runner's stop request, whether the thread is done, and its outcome.
    private let state = Mutex<(stop: Bool, done: Bool, outcome: Outcome)>((false, false, Outcome()))
    /// The cluster's client properties; kbench's producer defaults go under them.
    private let config: KafkaConfig
    /// The run's one topic.
    private let topic: String
    /// The traffic's rate, keys and value size.
    private let configuration: RebalanceConfiguration
    /// When the traffic ends (CLOCK_MONOTONIC ns): the producer sends its schedule until then.
    private let deadlineNs: UInt64

    /// - Parameter config: the cluster's client properties; kbench's producer defaults go under them.
    init(config: KafkaConfig, topic: String, configuration: RebalanceConfiguration, deadlineNs: UInt64) {
        self.config = config
        self.topic = topic
        self.configuration = configuration
        self.deadlineNs = deadlineNs
    }

    /// Starts the producer thread: an idempotent producer paced at the configured rate until the deadline (or `stop`),
    /// keys drawn uniformly, then a flush of up to 30 s. Call once.
    func start() {
        let t = Thread { [self] in
            var outcome = Outcome()
            do {
                // idempotent (Seeder.producerDefaults): a broker fault must not lose or reorder events; every
                // delivery report kept for the produce latency, retries from statistics every 250 ms
                let producer = try KafkaProducer(
                    config: KafkaConfig(Seeder.producerDefaults).merging(["linger.ms": "1", "statistics.interval.ms": "250"]).merging(config.properties),
                    logDeliveries: true)
                defer {
                    outcome.deliveries = producer.takeDeliveryLog()
                    outcome.retries = producer.retryLog
                }
                var sampler = KeySampler(keys: configuration.keys, distribution: .uniform)
                _ = try ProducerLoop(topic: topic, valueBytes: configuration.valueBytes, rate: configuration.rate).run(
                    producer: producer, deadlineNs: deadlineNs, nextUserId: { UInt32(sampler.next()) },
                    shouldStop: { self.state.withLock { $0.stop } })
                try producer.flush(timeoutMs: 30_000)
                outcome.delivered = producer.delivered
                outcome.failed = producer.failed
                if let f = producer.firstFailure { outcome.error = f }
            } catch {
                outcome.error = "\(error)"
            }
            let result = outcome
            self.state.withLock {
                $0.done = true; $0.outcome = result
            }
        }
        t.start()
    }

    /// Whether the producer has reached its deadline and flushed.
    var isDone: Bool { state.withLock { $0.done } }

    /// Waits for the producer to reach its deadline and flush.
    func finish() -> Outcome {
        while !state.withLock({ $0.done }) { usleep(10_000) }
        return state.withLock { $0.outcome }
    }

    /// Asks the thread to stop sending early and waits for it (its flush included).
    func stop() {
        state.withLock { $0.stop = true }
        _ = finish()
    }
}
