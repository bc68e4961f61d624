import ArgumentParser

/// An option renamed so that one concept has one name on every command. Its old spelling is kept for one release
/// as a second, hidden option (ArgumentParser shows every name of an option in the help); the command merges the
/// two with `value` and says so with `note` when the old spelling was used.
enum RenamedOption {
    /// The value given under the new name or the old one; refuses both at once.
    static func value<T>(_ value: T?, _ name: String, old: T?, _ oldName: String) throws -> T? {
        if value != nil && old != nil { throw ValidationError("\(oldName) is the old spelling of \(name): give \(name) once") }
        return value ?? old
    }

    /// The note for a run that used the old spelling (nil when it did not).
    static func note(old: Any?, _ oldName: String, _ name: String) -> String? {
        old == nil ? nil : "note: \(oldName) is now \(name); the old spelling is accepted until the next release"
    }
}
