/// Process-wide allocator settings for a server that handles large bodies. Buffers of a MiB and
/// more (a push's 4 MiB blocks, what they parse to, its staging) are mapped afresh and unmapped
/// when freed, so resident memory follows what pushes hold: kept in the heap, freed blocks left
/// holes that the next push's differently sized buffers did not fit, and four bombs at once left
/// the server 100 MB larger than mapping does, for a few percent of import speed in page faults.
/// Below that, glibc's own threshold would adapt upwards to the largest buffer freed and undo
/// this, hence a fixed one. glibc also gives each thread that allocates
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
            _ = glibcMallopt(mmapThreshold, 1 << 20)
            _ = glibcMallopt(trimThreshold, 64 << 20)
            _ = glibcMallopt(arenaMax, 2)
        #endif
    }
}

#if os(Linux)
    @_silgen_name("mallopt")
    private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
