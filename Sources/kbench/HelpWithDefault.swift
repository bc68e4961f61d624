import ArgumentParser

extension ArgumentHelp {
    /// Help for an option whose default ArgumentParser cannot show: one parsed by a `transform:` (durations, work
    /// models, commit modes, checked numbers) or one whose default is not a value of its type. The default is
    /// appended as ArgumentParser appends it to the help of plain options, so every option reads alike.
    init(_ abstract: String, default value: some CustomStringConvertible, valueName: String) {
        self.init("\(abstract) (default: \(value))", valueName: valueName)
    }
}
