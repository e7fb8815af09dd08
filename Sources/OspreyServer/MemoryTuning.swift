/// Process-wide allocator settings for a server that handles large bodies: glibc maps every
/// allocation over 128 KiB afresh and unmaps it when freed, so each 4 MiB block of a push
/// costs page faults and kernel page zeroing. Keeping such memory in the heap lets the next
/// block reuse it. Called once, by the `osprey server` entry point.
public enum MemoryTuning {
    public static func applyForServer() {
        #if os(Linux)
        // glibc's `mallopt` parameters, from malloc.h, which Swift's Glibc module does not export.
        let trimThreshold: Int32 = -1
        let mmapThreshold: Int32 = -3
        _ = glibcMallopt(mmapThreshold, 256 << 20)
        _ = glibcMallopt(trimThreshold, 512 << 20)
        #endif
    }
}

#if os(Linux)
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
