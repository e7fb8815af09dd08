/// Process-wide allocator settings for a server that handles large bodies: glibc maps every
/// allocation over 128 KiB afresh and unmaps it when freed, so each 4 MiB block of a push
/// costs page faults and kernel page zeroing. Keeping blocks in the heap lets the next block
/// reuse them, while buffers past 16 MiB (a big push's staging) are still mapped, so they grow
/// in place and go back to the kernel when freed. glibc also gives each thread that allocates
/// an arena of its own, up to eight a core, and memory freed in one is never reused by another:
/// with bombs inflated on the ingest threads and parsed on the pool, four at once left over
/// 100 MB more resident than two arenas do. Called once, by the `osprey server` entry point.
public enum MemoryTuning {
    public static func applyForServer() {
        #if os(Linux)
        // glibc's `mallopt` parameters, from malloc.h, which Swift's Glibc module does not export.
        let trimThreshold: Int32 = -1
        let mmapThreshold: Int32 = -3
        let arenaMax: Int32 = -8
        _ = glibcMallopt(mmapThreshold, 16 << 20)
        _ = glibcMallopt(trimThreshold, 64 << 20)
        _ = glibcMallopt(arenaMax, 2)
        #endif
    }
}

#if os(Linux)
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
