/// A value with one canonical text form (`sleep:1ms`, `batch:100`) that is Codable as that text: encoding writes
/// `description`, decoding parses it again with the same checks as the command line, so a worker receives typed
/// values and a malformed one is refused with the parser's message.
public protocol CanonicalText: Codable, CustomStringConvertible {
    init(parsing text: String) throws(UsageError)
}

extension CanonicalText {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { self = try Self(parsing: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
