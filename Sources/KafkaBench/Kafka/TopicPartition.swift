import CRdKafka

/// One partition of one topic.
/// Crosses the worker protocol as JSON (`{"topic":…,"partition":…}`) in specs, assignments and audits.
public struct TopicPartition: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public var topic: String
    /// The partition number, as librdkafka types it.
    public var partition: Int32

    public init(_ topic: String, _ partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    /// By topic name, then partition number: the order reports and audits list partitions in.
    public static func < (a: TopicPartition, b: TopicPartition) -> Bool {
        (a.topic, a.partition) < (b.topic, b.partition)
    }

    /// "topic[3]", as kbench's messages print a partition.
    public var description: String { "\(topic)[\(partition)]" }
}

/// Conversions between `[TopicPartition]` and librdkafka's `rd_kafka_topic_partition_list_t`.
/// Every list it makes is owned by the caller, which destroys it (usually with `defer`) after the librdkafka call.
enum PartitionList {
    /// A new list owned by the caller (destroy with `rd_kafka_topic_partition_list_destroy`).
    static func make(_ partitions: [TopicPartition]) -> UnsafeMutablePointer<rd_kafka_topic_partition_list_t> {
        let list = rd_kafka_topic_partition_list_new(Int32(max(partitions.count, 1)))!
        for tp in partitions { rd_kafka_topic_partition_list_add(list, tp.topic, tp.partition) }
        return list
    }

    /// The list's partitions in list order; empty for a nil list. The list stays the caller's.
    static func read(_ list: UnsafePointer<rd_kafka_topic_partition_list_t>?) -> [TopicPartition] {
        guard let list, let elems = list.pointee.elems else { return [] }
        return (0..<Int(list.pointee.cnt)).map { i in
            TopicPartition(String(cString: elems[i].topic), elems[i].partition)
        }
    }

    /// The first per-partition error in a list, if any.
    static func firstError(_ list: UnsafePointer<rd_kafka_topic_partition_list_t>) -> (TopicPartition, rd_kafka_resp_err_t)? {
        guard let elems = list.pointee.elems else { return nil }
        for i in 0..<Int(list.pointee.cnt) where elems[i].err != RD_KAFKA_RESP_ERR_NO_ERROR {
            return (TopicPartition(String(cString: elems[i].topic), elems[i].partition), elems[i].err)
        }
        return nil
    }
}
