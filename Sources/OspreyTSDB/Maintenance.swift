extension MetricsStorage {
    /// The background work, until the task is cancelled. Once a second: sync the WAL (under
    /// `wal_fsync: 1s`) and move full chunks to their shards. Every 30 minutes, or sooner when
    /// the WAL passes 256 MiB: checkpoint, so that memory, the WAL and a restart's replay stay
    /// bounded. Every 10 minutes: delete shards past retention and recompress what is over an
    /// hour old.
    public func maintain() async {
        var tick = 0
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: .seconds(1))
            } catch {
                return
            }
            tick += 1
            do {
                try syncWAL()
                try flushPending()
                if tick % 1800 == 0 || walBytes > 256 << 20 {
                    try checkpoint()
                }
                if tick % 600 == 0 {
                    let deleted = enforceRetention()
                    if deleted > 0 { logger.info("deleted shards past retention", metadata: ["shards": "\(deleted)"]) }
                    try recompressSettled()
                }
            } catch {
                logger.error("storage maintenance failed", metadata: ["error": "\(error)"])
            }
        }
    }
}
