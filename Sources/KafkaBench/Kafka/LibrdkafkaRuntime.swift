import CRdKafka
import CSupport
import Foundation

/// The librdkafka this process runs on, and how a run selects another one.
///
/// kbench is built against Debian's librdkafka 2.0.2 headers and links `librdkafka.so.1`, whose ABI librdkafka
/// keeps stable: any `librdkafka.so.1` from 2.0.2 on can serve it at run time. The dynamic loader picks the file
/// when the process starts, so a selection (`--librdkafka`, `KBENCH_LIBRDKAFKA`) takes effect by starting kbench
/// again with the selected directory first on `LD_LIBRARY_PATH` (`LibrdkafkaSelection.activate`). Child processes
/// (workers, producers, `--on-event` commands) inherit that environment and so the same library; each worker
/// reports the version it loaded and a trial whose workers disagree with the runner fails (`TrialEngine`).
///
/// Functions added after 2.0.2 are never linked: they are looked up with `dlsym` (`symbol(_:as:)`), and a
/// feature that needs one is refused before anything starts when the loaded library lacks it.
public enum LibrdkafkaRuntime {
    /// The version of the loaded library, e.g. "2.16.0".
    public static var version: String { String(cString: rd_kafka_version_str()) }

    /// The loaded library's version number, 0xMMmmrrxx (e.g. 0x021000ff for 2.16.0).
    public static var versionNumber: Int { Int(rd_kafka_version()) }

    /// The file the dynamic loader loaded librdkafka from, when it can tell.
    public static var loadedFile: String? { kbench_object_defining("rd_kafka_version").map { String(cString: $0) } }

    /// The oldest librdkafka kbench runs on.
    public static let minimumVersion = Version(2, 0, 2)

    /// Whether the loaded library is at least `version`.
    public static func isAtLeast(_ version: Version) -> Bool { versionNumber >= version.number }

    /// A function of the loaded library found by name, or nil when this version does not have it.
    /// `T` must be the `@convention(c)` type of the function as the newer header declares it.
    public static func symbol<T>(_ name: String, as type: T.Type) -> T? {
        guard let address = kbench_symbol(name) else { return nil }
        return unsafeBitCast(address, to: type)
    }

    /// A librdkafka version as major.minor.revision.
    /// Compared by release number, never as text, so 2.9.0 sorts before 2.10.0.
    public struct Version: Comparable, CustomStringConvertible, Sendable {
        public var major: Int, minor: Int, revision: Int

        public init(_ major: Int, _ minor: Int, _ revision: Int) {
            self.major = major; self.minor = minor; self.revision = revision
        }

        /// From rd_kafka_version()'s 0xMMmmrrxx.
        public init(number: Int) {
            self.init((number >> 24) & 0xff, (number >> 16) & 0xff, (number >> 8) & 0xff)
        }

        /// The number rd_kafka_version() would return for this release (pre-release byte 0xff).
        public var number: Int { major << 24 | minor << 16 | revision << 8 | 0xff }

        /// "2.16.0".
        public var description: String { "\(major).\(minor).\(revision)" }

        /// By release number: 2.9.0 < 2.10.0 (not by text).
        public static func < (a: Version, b: Version) -> Bool { a.number < b.number }
    }
}
