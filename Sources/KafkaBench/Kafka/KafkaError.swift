import CRdKafka

/// An error from librdkafka or from kbench's use of it: carries librdkafka's error code (when there is one)
/// and a message that says what was being done.
/// Its message is printed as is, so texts that may quote the configuration (librdkafka's error strings) are
/// scrubbed with `Secrets.scrub` before they go in.
public struct KafkaError: Error, CustomStringConvertible, Sendable, Equatable {
    /// librdkafka's `rd_kafka_resp_err_t` value, or `nil` for errors that kbench itself detected.
    public let code: Int32?
    /// librdkafka's symbolic name for `code` (e.g. `_TRANSPORT`), empty when `code` is nil.
    public let codeName: String
    /// What went wrong, in words.
    public let message: String

    /// An error with librdkafka code `code` (its name looked up now) or none, and the message as it is to be printed.
    public init(code: Int32?, message: String) {
        self.code = code
        if let code {
            self.codeName = String(cString: rd_kafka_err2name(rd_kafka_resp_err_t(rawValue: code)))
        } else {
            self.codeName = ""
        }
        self.message = message
    }

    /// A kbench-level error without a librdkafka code.
    public static func usage(_ message: String) -> KafkaError {
        KafkaError(code: nil, message: message)
    }

    /// Wraps a librdkafka response code with the action that produced it.
    static func rd(_ err: rd_kafka_resp_err_t, _ context: String) -> KafkaError {
        let text = String(cString: rd_kafka_err2str(err))
        return KafkaError(code: err.rawValue, message: "\(context): \(text)")
    }

    /// Wraps (and destroys) an `rd_kafka_error_t`.
    static func consume(_ error: OpaquePointer, _ context: String) -> KafkaError {
        let code = rd_kafka_error_code(error)
        let text = String(cString: rd_kafka_error_string(error))
        rd_kafka_error_destroy(error)
        return KafkaError(code: code.rawValue, message: "\(context): \(text)")
    }

    /// The message, followed by the code's name in brackets when there is a code ("… [_TRANSPORT]").
    public var description: String {
        if code != nil { return "\(message) [\(codeName)]" }
        return message
    }
}

/// Checks a librdkafka response code, throwing a `KafkaError` for anything but `NO_ERROR`.
@inline(__always)
func check(_ err: rd_kafka_resp_err_t, _ context: @autoclosure () -> String) throws(KafkaError) {
    if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError.rd(err, context()) }
}
