import CRdKafka

/// Creation of `rd_kafka_t` handles, shared by the producer, consumer, admin client and embedded broker.
/// Callers own the handle it returns and must `rd_kafka_destroy` it (after destroying their topic handles).
enum ClientHandle {
    /// Properties every kbench client gets unless the user overrides them: librdkafka's own log lines are
    /// limited to critical ones, since kbench reports errors itself (raise with `-X log_level=7`).
    static let defaults: [String: String] = ["log_level": "2"]

    /// `config` with kbench's client defaults under it: exactly what a handle made from `config` applies.
    static func effective(_ config: KafkaConfig) -> KafkaConfig {
        KafkaConfig(defaults).merging(config.properties)
    }

    /// Creates a handle of `type` from `config`. `prepare` may install callbacks and an opaque on the
    /// `rd_kafka_conf_t` before the handle takes ownership of it.
    static func make(
        _ type: rd_kafka_type_t,
        _ config: KafkaConfig,
        prepare: (OpaquePointer) -> Void = { _ in }
    ) throws(KafkaError) -> OpaquePointer {
        let conf = try effective(config).makeHandle()
        prepare(conf)
        var errbuf = [CChar](repeating: 0, count: 512)
        guard let rk = rd_kafka_new(type, conf, &errbuf, errbuf.count) else {
            rd_kafka_conf_destroy(conf)
            let text = errbuf.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw KafkaError(code: nil, message: "cannot create librdkafka client: \(Secrets.scrub(text, in: config))")
        }
        return rk
    }
}

/// The Swift object a librdkafka handle's opaque points at; callbacks reach it with `Unmanaged`.
///
/// Lifetime: the owner (producer, consumer, admin) keeps a strong reference to its context and destroys the
/// `rd_kafka_t` before releasing it, so no callback can run against a freed context. Thread: written by
/// librdkafka's callbacks, which run on the thread that polls the handle, and read on that same thread.
class ClientContext {
    /// The last error librdkafka reported through `error_cb` (e.g. "Connect to … failed: Connection refused"),
    /// kept so that a timeout can say what was behind it. Written and read on the handle's polling thread.
    var lastError: String?
    /// Set when librdkafka reports a fatal error (e.g. the idempotent producer lost its guarantees).
    var fatalError: String?

    /// The pointer librdkafka hands back to callbacks: unretained, so the owner must keep the context alive.
    var opaque: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    /// The context behind a callback's opaque (unretained); nil when librdkafka passed none.
    static func from(_ opaque: UnsafeMutableRawPointer?) -> ClientContext? {
        guard let opaque else { return nil }
        return Unmanaged<ClientContext>.fromOpaque(opaque).takeUnretainedValue()
    }

    /// Installs this context as the configuration's opaque, with the shared error callback.
    func install(on conf: OpaquePointer) {
        rd_kafka_conf_set_opaque(conf, opaque)
        rd_kafka_conf_set_error_cb(conf, kbenchErrorCallback)
    }
}

/// librdkafka's `error_cb`: records the error on the handle's context. Non-capturing, as C requires.
func kbenchErrorCallback(_ rk: OpaquePointer?, _ err: Int32, _ reason: UnsafePointer<CChar>?, _ opaque: UnsafeMutableRawPointer?) {
    guard let context = ClientContext.from(opaque) else { return }
    let text = reason.map { String(cString: $0) } ?? "unknown error"
    context.lastError = text
    if err == RD_KAFKA_RESP_ERR__FATAL.rawValue { context.fatalError = text }
}
