#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// What polling compares to notice that a target file changed: its modification time (to the
/// nanosecond where the filesystem keeps it), size and inode. The inode catches a file replaced
/// by rename, the way careful writers and Kubernetes ConfigMaps update files, even when the new
/// one has the old one's size and timestamp. `stat` follows symbolic links, so a link swapped to
/// a new target counts as a change.
struct FileStamp: Equatable, Sendable {
    var modifiedSeconds: Int
    var modifiedNanoseconds: Int
    var size: Int64
    var inode: UInt64

    /// The file's stamp now, or nil when it cannot be examined (gone, or no permission).
    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        #if canImport(Darwin)
            modifiedSeconds = Int(info.st_mtimespec.tv_sec)
            modifiedNanoseconds = Int(info.st_mtimespec.tv_nsec)
        #else
            modifiedSeconds = Int(info.st_mtim.tv_sec)
            modifiedNanoseconds = Int(info.st_mtim.tv_nsec)
        #endif
        size = Int64(info.st_size)
        inode = UInt64(info.st_ino)
    }
}
