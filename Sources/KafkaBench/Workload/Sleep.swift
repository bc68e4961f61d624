#if canImport(Glibc)
    import Glibc
#endif

/// Blocking sleeps for threads that own a blocking loop (never call these on the cooperative pool).
public enum Sleep {
    /// Blocks the calling thread for `ms` milliseconds (negative counts as 0).
    public static func milliseconds(_ ms: Int) {
        usleep(UInt32(max(0, ms)) * 1000)
    }
}
