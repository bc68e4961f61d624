import Foundation

/// Paths between the report's files, so links and the gnuplot script work wherever the repository is checked out.
/// Pure string work on absolute, standardized paths: nothing needs to exist, and symlinks are not resolved.
enum RelativePath {
    /// Absolute, standardized form of `path` (relative paths resolve against the current directory).
    static func absolute(_ path: String) -> String {
        let p = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return URL(fileURLWithPath: p).standardizedFileURL.path
    }

    /// The path of `target` as seen from the directory `fromDirectory`.
    static func from(_ fromDirectory: String, to target: String) -> String {
        let base = absolute(fromDirectory).split(separator: "/").map(String.init)
        let dest = absolute(target).split(separator: "/").map(String.init)
        var common = 0
        while common < base.count, common < dest.count, base[common] == dest[common] { common += 1 }
        let parts = Array(repeating: "..", count: base.count - common) + dest[common...]
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    /// `dir/name` without doubling the slash.
    static func join(_ dir: String, _ name: String) -> String {
        dir.hasSuffix("/") ? dir + name : dir + "/" + name
    }
}
