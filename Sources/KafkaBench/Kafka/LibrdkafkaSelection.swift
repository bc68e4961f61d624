import CSupport
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A librdkafka chosen with `--librdkafka VERSION|PATH` or `KBENCH_LIBRDKAFKA`, resolved and checked, and the
/// re-exec that makes this process and its children run on it.
///
/// - A version name ("2.16.0") names `.build/librdkafka/<version>/librdkafka.so.1`, which `scripts/deps`
///   provisions (the `.build` directory that holds this kbench binary, else the working directory's).
/// - A path names a `librdkafka.so.1` file or the directory that holds one.
/// - `system` is the library the dynamic loader finds by itself (Debian's, what the host's applications link).
///
/// The mechanism: the selected directory is put first on `LD_LIBRARY_PATH` and kbench executes itself again
/// (`activate`), once, before parsing its arguments. `KBENCH_LIBRDKAFKA` is set to the selected file, so every
/// process kbench starts selects the same library and finds it loaded. After the re-exec the loaded file is
/// compared with the selection: a mismatch is an error, never a silent run on another version.
public struct LibrdkafkaSelection: Equatable, Sendable {
    /// The `librdkafka.so.1` file (absolute, symlinks resolved).
    public var file: String
    /// Its version, read from the file itself.
    public var version: LibrdkafkaRuntime.Version

    /// The directory that goes on `LD_LIBRARY_PATH`.
    public var directory: String { (file as NSString).deletingLastPathComponent }

    /// Environment variable that selects a library like `--librdkafka`.
    public static let environmentKey = "KBENCH_LIBRDKAFKA"
    /// Environment variable kbench sets to the directory it put on `LD_LIBRARY_PATH` (so it can take it off).
    static let addedDirectoryKey = "KBENCH_LIBRDKAFKA_DIR"
    /// Guards against re-exec loops.
    static let reexecKey = "KBENCH_LIBRDKAFKA_REEXEC"

    /// Resolves a selection; nil means the system library. Throws, with what was wrong and what is accepted,
    /// for a missing path, a file that is not a librdkafka, an unknown version name and a library older than 2.0.2.
    public static func resolve(_ text: String, versionRoots: [String] = defaultVersionRoots()) throws(UsageError) -> LibrdkafkaSelection? {
        let value = text.trimmingCharacters(in: .whitespaces)
        if value.isEmpty || value == "system" { return nil }
        let accepted =
            "give 'system', a version provisioned under .build/librdkafka/ (\(describe(installedVersions(in: versionRoots)))), "
            + "a librdkafka.so.1 file or its directory"
        var file: String
        let looksLikePath = value.contains("/") || value.hasPrefix(".") || FileManager.default.fileExists(atPath: value)
        if looksLikePath {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: value, isDirectory: &isDirectory) else {
                throw UsageError("--librdkafka \(value): no such file or directory; \(accepted)")
            }
            file = isDirectory.boolValue ? (value as NSString).appendingPathComponent("librdkafka.so.1") : value
            guard FileManager.default.fileExists(atPath: file) else {
                throw UsageError("--librdkafka \(value): the directory holds no librdkafka.so.1; \(accepted)")
            }
            guard (file as NSString).lastPathComponent == "librdkafka.so.1" else {
                throw UsageError(
                    "--librdkafka \(value): the dynamic loader finds librdkafka by its soname, so the file must be named librdkafka.so.1 "
                        + "(put it, or a symlink to it, in a directory of its own under that name and give the directory)")
            }
        } else {
            guard value.allSatisfy({ $0.isNumber || $0 == "." }), value.split(separator: ".").count == 3 else {
                throw UsageError("--librdkafka \(value): not a version (like 2.16.0) or a path; \(accepted)")
            }
            guard let found = versionRoots.lazy.map({ "\($0)/\(value)/librdkafka.so.1" }).first(where: { FileManager.default.fileExists(atPath: $0) })
            else {
                throw UsageError(
                    "--librdkafka \(value): librdkafka \(value) is not provisioned under .build/librdkafka/ (found: \(describe(installedVersions(in: versionRoots)))); "
                        + "scripts/deps provisions the pinned newer version, or give a path to a librdkafka.so.1")
            }
            file = found
        }
        file = realPath(file)
        var reason = [CChar](repeating: 0, count: 512)
        let number = kbench_probe_librdkafka(file, &reason, Int32(reason.count))
        if number == -1 {
            let why = reason.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw UsageError("--librdkafka \(value): \(file) cannot be loaded (\(why)); \(accepted)")
        }
        if number == -2 {
            throw UsageError("--librdkafka \(value): \(file) is not a librdkafka (it has no rd_kafka_version); \(accepted)")
        }
        let version = LibrdkafkaRuntime.Version(number: Int(number))
        guard version >= LibrdkafkaRuntime.minimumVersion else {
            throw UsageError("--librdkafka \(value): \(file) is librdkafka \(version); kbench needs \(LibrdkafkaRuntime.minimumVersion) or newer")
        }
        if !looksLikePath, version.description != value {
            throw UsageError("--librdkafka \(value): the library provisioned under that name is librdkafka \(version); run scripts/deps again")
        }
        return LibrdkafkaSelection(file: file, version: version)
    }

    /// Where version names are looked up: `librdkafka/` in the `.build` directory that holds this executable
    /// (kbench, or the test runner), then in the working directory's `.build`.
    public static func defaultVersionRoots() -> [String] {
        var roots: [String] = []
        var dir = (realPath("/proc/self/exe") as NSString).deletingLastPathComponent
        while dir != "/" && !dir.isEmpty {
            if (dir as NSString).lastPathComponent == ".build" {
                roots.append((dir as NSString).appendingPathComponent("librdkafka"))
                break
            }
            dir = (dir as NSString).deletingLastPathComponent
        }
        let cwd = (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(".build/librdkafka")
        if !roots.contains(cwd) { roots.append(cwd) }
        return roots
    }

    /// The version directories under `roots` that hold a librdkafka.so.1, sorted.
    public static func installedVersions(in roots: [String]) -> [String] {
        var found = Set<String>()
        for root in roots {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
            where FileManager.default.fileExists(atPath: "\(root)/\(name)/librdkafka.so.1") {
                found.insert(name)
            }
        }
        return found.sorted()
    }

    /// The installed versions for a message: "2.0.2, 2.16.0", or "none yet".
    private static func describe(_ versions: [String]) -> String {
        versions.isEmpty ? "none yet" : versions.joined(separator: ", ")
    }

    /// `path` with symlinks resolved (`realpath(3)`); the path itself when it cannot be resolved.
    static func realPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The selection named by `arguments` (`--librdkafka X` or `--librdkafka=X`, before any `--`), else by
    /// `KBENCH_LIBRDKAFKA`; nil text when neither says anything.
    public static func requested(arguments: [String], environment: [String: String]) -> String? {
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            if a == "--" { break }
            if a == "--librdkafka", i + 1 < arguments.count { return arguments[i + 1] }
            if a.hasPrefix("--librdkafka=") { return String(a.dropFirst("--librdkafka=".count)) }
            i += 1
        }
        return environment[environmentKey].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Makes this process run on the requested library: returns when it already does (always when nothing is
    /// requested), otherwise executes this program again with the selected directory first on
    /// `LD_LIBRARY_PATH` and does not return. Throws when the selection is invalid, or when after the re-exec
    /// the loader still loaded another file.
    public static func activate(arguments: [String] = CommandLine.arguments, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(UsageError)
    {
        guard let text = requested(arguments: arguments, environment: environment) else { return }
        let selection = try resolve(text)
        let added = environment[addedDirectoryKey].flatMap { $0.isEmpty ? nil : $0 }
        if added == selection?.directory {
            guard let selection else { return }
            let loaded = LibrdkafkaRuntime.loadedFile.map(realPath)
            if loaded != selection.file {
                throw UsageError(
                    "--librdkafka \(text): selected \(selection.file) (librdkafka \(selection.version)) but the loader loaded "
                        + "\(loaded ?? "an unknown file") (librdkafka \(LibrdkafkaRuntime.version)): LD_LIBRARY_PATH did not take effect")
            }
            return
        }
        if environment[reexecKey] != nil {
            throw UsageError("--librdkafka \(text): re-executing kbench with LD_LIBRARY_PATH did not select the library (\(selection?.file ?? "system"))")
        }
        var env = environment
        var paths = (env["LD_LIBRARY_PATH"] ?? "").split(separator: ":").map(String.init).filter { !$0.isEmpty && $0 != added }
        if let selection { paths.insert(selection.directory, at: 0) }
        env["LD_LIBRARY_PATH"] = paths.isEmpty ? nil : paths.joined(separator: ":")
        env[addedDirectoryKey] = selection?.directory
        env[environmentKey] = selection?.file ?? "system"
        env[reexecKey] = "1"
        reexec(arguments: arguments, environment: env)
    }

    /// Replaces this process with `/proc/self/exe` under `environment`; the re-exec'd process clears the loop
    /// guard again, so that its own children may re-exec if they must.
    private static func reexec(arguments: [String], environment: [String: String]) -> Never {
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        execve("/proc/self/exe", argv, envp)
        let why = String(cString: strerror(errno))
        FileHandle.standardError.write(Data("kbench: cannot re-execute itself to select librdkafka: \(why)\n".utf8))
        exit(1)
    }

    /// Called once the selection is active: drops the loop guard, so that the environment children inherit
    /// describes only the selection.
    public static func clearReexecGuard() { unsetenv(reexecKey) }
}
