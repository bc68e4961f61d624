import CRdKafka

/// librdkafka client configuration as plain properties (`bootstrap.servers`, `group.id`, …).
///
/// A value type: build it, merge overrides into it, and hand it to a client. Every key and value is checked by
/// librdkafka itself when a client is created; a rejected one becomes a `KafkaError` naming the key.
public struct KafkaConfig: Sendable, Equatable {
    /// librdkafka property names to values, exactly as `rd_kafka_conf_set` takes them.
    public var properties: [String: String]

    public init(_ properties: [String: String] = [:]) {
        self.properties = properties
    }

    /// One property's value; setting nil removes it (librdkafka's default then applies).
    public subscript(key: String) -> String? {
        get { properties[key] }
        set { properties[key] = newValue }
    }

    /// Returns this configuration with `other`'s properties set on top (other wins).
    public func merging(_ other: [String: String]) -> KafkaConfig {
        KafkaConfig(properties.merging(other) { _, new in new })
    }

    /// The properties with every secret value replaced by `***`, safe for logs, files and messages.
    public var redacted: [String: String] {
        var out: [String: String] = [:]
        for (key, value) in properties { out[key] = Secrets.isSecret(key) ? Secrets.mask : value }
        return out
    }

    /// Validates every property with librdkafka and returns a new `rd_kafka_conf_t` owned by the caller.
    func makeHandle() throws(KafkaError) -> OpaquePointer {
        guard let conf = rd_kafka_conf_new() else { throw .usage("rd_kafka_conf_new failed") }
        var errbuf = [CChar](repeating: 0, count: 512)
        for key in properties.keys.sorted() {
            let value = properties[key]!
            let result = rd_kafka_conf_set(conf, key, value, &errbuf, errbuf.count)
            if result != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                let text = errbuf.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
                let shown = Secrets.isSecret(key) ? Secrets.mask : value
                // The whole message is scrubbed: librdkafka's text quotes the value, which may equal a secret.
                throw KafkaError(
                    code: nil,
                    message: Secrets.scrub("invalid librdkafka property \(key)=\(shown): \(text)", in: self))
            }
        }
        return conf
    }
}

/// Which property names hold secrets, and how to keep their values out of output.
/// Used wherever text may carry configuration: error messages, applied properties in results, command output.
public enum Secrets {
    /// What a secret's value is replaced with in output.
    public static let mask = "***"

    /// True for property names that hold credentials: anything naming a password, secret or token, and the
    /// SASL JAAS / OAUTHBEARER configuration strings.
    public static func isSecret(_ key: String) -> Bool {
        let k = key.lowercased()
        return k.contains("password") || k.contains("secret") || k.contains("token")
            || k.contains("sasl.jaas") || k.contains("sasl.oauthbearer.config")
    }

    /// Replaces every secret value of `config` that occurs in `text` with `***`.
    public static func scrub(_ text: String, in config: KafkaConfig) -> String {
        var out = text
        for (key, value) in config.properties where isSecret(key) && !value.isEmpty {
            out = out.replacing(value, with: mask)
        }
        return out
    }
}
