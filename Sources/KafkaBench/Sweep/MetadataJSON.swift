/// Lenient readers for single values of a run's metadata JSON, which files written by earlier kbench versions spell
/// in other types: a value of a type that cannot mean what the field means reads as absent instead of failing the
/// whole file.

/// A JSON scalar as text: a string, or a number written as text; anything else (`null`, a boolean, an array, an
/// object) is absent.
struct MetadataText: Decodable {
    var value: String?

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let s = try? c.decode(String.self) {
            value = s
        } else if let n = try? c.decode(Int.self) {
            value = String(n)
        } else if let n = try? c.decode(Double.self) {
            value = String(n)
        } else {
            value = nil
        }
    }
}

/// A JSON number, or a string holding one; anything else is absent.
struct MetadataNumber: Decodable {
    var value: Double?

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let n = try? c.decode(Double.self) {
            value = n
        } else if let s = try? c.decode(String.self) {
            value = Double(s)
        } else {
            value = nil
        }
    }

    /// The number without its fraction; nil when absent or not finite.
    var integer: Int? { value.flatMap { Int(exactly: $0.rounded(.towardZero)) } }
}

/// A command line, as one string or (older files) an array of words, which are joined shell-quoted (empty words
/// and words that are no scalar left out).
struct MetadataCommandLine: Decodable {
    var value: String?

    init(from decoder: Decoder) throws {
        if let words = try? decoder.singleValueContainer().decode([MetadataText].self) {
            let texts = words.compactMap(\.value).filter { !$0.isEmpty }
            value = texts.isEmpty ? nil : texts.map(Self.shellWord).joined(separator: " ")
        } else {
            value = try MetadataText(from: decoder).value
        }
    }

    /// `word` as a shell would need it: as is when plain, else in single quotes.
    static func shellWord(_ word: String) -> String {
        let plain = word.allSatisfy { $0.isLetter || $0.isNumber || "-_./:=,+@%".contains($0) }
        return plain && !word.isEmpty ? word : "'" + word.replacing("'", with: "'\\''") + "'"
    }
}
