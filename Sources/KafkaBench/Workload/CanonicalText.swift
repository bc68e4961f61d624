/// A value with one canonical text form (`sleep:1ms`, `batch:100`) that is Codable as that text: encoding writes
/// `description`, decoding parses it again with the same checks as the command line, so a worker receives typed
/// values and a malformed one is refused with the parser's message.
public protocol CanonicalText: Codable, CustomStringConvertible {
    /// Parses the canonical text (and the other forms the command line accepts), refusing anything else.
    init(parsing text: String) throws(UsageError)
}

extension CanonicalText {
    /// Decodes a string and parses it; a parse error becomes `DecodingError.dataCorrupted` with the parser's message.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { self = try Self(parsing: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    /// Encodes `description`, the canonical text.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
