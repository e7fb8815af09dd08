import Logging
import OspreyModel
import OspreyStorage
import Synchronization

/// The metrics storage: a write-ahead log, an in-memory head of open chunks, and shard files of
/// Gorilla-compressed chunks, behind one `Appendable` and one `Queryable`.
///
/// Commits are serialised under one lock (WAL append and head update are quick); chunks move to
/// their shards outside it. Readers take the lock only to find series and copy head chunks.
public final class MetricsStorage: Storage, Sendable {
    public let options: StorageOptions
    /// The time of day for retention, `max_future` and the age of data to recompress.
    public let clock: any WallClock
    let state: Mutex<State>
    let shards: ShardSet
    let decodedChunks: DecodedChunkCache
    private let metadataTable: MetadataTable
    private let catalog: CatalogStore
    private let flushing = Mutex<Void>(())
    let logger: Logger

    struct State {
        var index = SeriesIndex()
        var head = HeadTable()
        /// Series created but not yet in the catalog on disk.
        var unpersisted = SeriesIDSet()
        var pending: [Int64: [PendingChunk]] = [:]
        var pendingCount = 0
        var nextChunkNumber: Int64 = 0
        var nextSequence: Int64 = 1
        var wal: WriteAheadLog
        var counters = StorageCounters()
        var closed = false
    }

    /// Opens (or creates) the storage in `path`: loads the catalog, finds where each series
    /// ends, and replays the WAL into the head.
    public init(
        path: String, options: StorageOptions = StorageOptions(), clock: any WallClock = SystemClock(),
        logger: Logger = Logger(label: "osprey.storage")
    ) throws(StorageError) {
        self.options = options
        self.clock = clock
        self.logger = logger
        decodedChunks = DecodedChunkCache(capacity: options.decodedChunkCacheSamples)
        catalog = try CatalogStore(path: path + "/catalog.sqlite")
        metadataTable = MetadataTable(try catalog.loadMetadata())
        shards = try ShardSet(folder: path + "/shards", window: options.shardWindow)
        let wal = try WriteAheadLog(folder: path + "/wal")
        var state = State(wal: wal)
        for (id, labels) in try catalog.load() {
            state.index.insert(labels, id: id)
        }
        let stored = try shards.timeSpans()
        state.nextSequence = stored.sequence + 1
        for (id, span) in stored.spans {
            state.head[id].oldest = span.oldest
            state.head[id].newest = span.newest
        }
        var replayed: [WriteAheadLog.Entry] = []
        try wal.replay { replayed.append($0) }
        let shards = self.shards
        var head = HeadTable()
        swap(&head, &state.head)
        for entry in replayed where state.index.labels(of: entry.seriesID) != nil {
            Self.apply(entry, to: &head[entry.seriesID], in: &state, options: options, shards: shards)
        }
        swap(&head, &state.head)
        if !replayed.isEmpty {
            logger.info("replayed the write-ahead log", metadata: ["samples": "\(replayed.count)"])
        }
        self.state = Mutex(state)
    }

    public func appender() -> any Appender {
        appender(now: clock.now())
    }

    /// An appender that takes `now` as the clock's time for retention and `max_future` (the
    /// durations are at most 292 years, so neither bound overflows).
    public func appender(now: Timestamp) -> any Appender {
        HeadAppender(
            storage: self, oldestAllowed: now.subtractingSaturated(options.retention.milliseconds),
            newestAllowed: now.addingSaturated(options.maxFuture.milliseconds))
    }

    /// Each metric family's descriptions as scrapes and pushes last gave them, kept in the
    /// catalog so that they outlive a restart.
    public func metadata() -> [String: [MetricMetadata]] {
        metadataTable.all
    }

    /// Takes in what a commit's `# TYPE`, `# HELP` and `# UNIT` lines said. The samples are
    /// stored by then, so a failure to keep the metadata is logged, not the commit's.
    func updateMetadata(_ metadata: [String: MetricMetadata]) {
        metadataTable.update(metadata) { gained in
            do {
                try catalog.saveMetadata(gained)
            } catch {
                logger.warning("metric metadata not kept", metadata: ["error": "\(error)"])
            }
        }
    }

    public func querier(minTime: Timestamp, maxTime: Timestamp) -> any Querier {
        StorageQuerier(storage: self, minTime: minTime, maxTime: maxTime)
    }

    // MARK: Writing

    /// Finds or creates the series for `labels`, enforcing the series limit.
    func seriesID(for labels: Labels) throws(StorageError) -> Int64 {
        try state.withLock { state throws(StorageError) in
            guard !state.closed else { throw .closed }
            if let id = state.index.id(of: labels) { return id }
            if let problem = Self.problem(with: labels) {
                state.counters.rejectedInvalid += 1
                throw .invalidLabels(labels: labels, reason: problem)
            }
            guard state.index.count < options.maxSeries else {
                state.counters.rejectedSeriesLimit += 1
                throw .seriesLimit(labels: labels, limit: options.maxSeries)
            }
            let id = state.index.maxID + 1
            state.index.insert(labels, id: id)
            state.unpersisted.insert(id)
            return id
        }
    }

    private static func problem(with labels: Labels) -> String? {
        guard let name = labels.name, !name.isEmpty else { return "no metric name (__name__)" }
        guard MetricNames.isValidMetricName(name) else { return "invalid metric name \"\(name)\"" }
        if let bad = labels.first(where: { $0.name != Labels.metricName && !MetricNames.isValidLabelName($0.name) }) {
            return "invalid label name \"\(bad.name)\""
        }
        return nil
    }

    func countRejectedForRetention(_ count: Int) {
        state.withLock { $0.counters.rejectedOutOfRetention += Int64(count) }
    }

    func countRejectedInFuture(_ count: Int) {
        state.withLock { $0.counters.rejectedTooFarInFuture += Int64(count) }
    }

    func labels(of id: Int64) -> Labels? {
        state.withLock { $0.index.labels(of: id) }
    }

    /// Makes a batch durable (catalog, then WAL), then applies it to the head.
    func commit(_ record: inout WriteAheadLog.Record) throws(StorageError) {
        guard !record.isEmpty else { return }
        let flushNeeded = try state.withLock { state throws(StorageError) -> Bool in
            guard !state.closed else { throw .closed }
            // Every series a batch references is on disk before the batch is: a WAL entry for a
            // series the catalog never saw could not be replayed.
            let known = state.index.maxID
            var fresh: [(id: Int64, labels: Labels)] = []
            do throws(StorageError) {
                try record.forEach { entry throws(StorageError) in
                    guard entry.seriesID >= 1, entry.seriesID <= known else {
                        throw .unknownSeries(SeriesRef(entry.seriesID))
                    }
                    if state.unpersisted.remove(entry.seriesID), let labels = state.index.labels(of: entry.seriesID) {
                        fresh.append((entry.seriesID, labels))
                    }
                }
                try catalog.insert(fresh)
            } catch {
                for (id, _) in fresh { state.unpersisted.insert(id) }
                throw error
            }
            try state.wal.append(&record, sync: options.walFsync == .always)
            // The table moves out of the state while samples go in, so that chunks cut on the
            // way can be queued in the state without touching the table being mutated.
            var head = HeadTable()
            swap(&head, &state.head)
            try record.forEach { entry in
                Self.apply(entry, to: &head[entry.seriesID], in: &state, options: options, shards: shards)
            }
            swap(&head, &state.head)
            state.counters.samplesAppended += Int64(record.count)
            return state.pendingCount >= Self.pendingChunksFlushedInline
        }
        if flushNeeded { try flushPending() }
    }

    /// Chunks cut from the head wait for the once-a-second flush to their shards; a commit flushes
    /// them itself only past this many (about 16 MiB), so that a large push is not answered late
    /// for writing shards while memory stays bounded when pushes outpace the flush.
    static let pendingChunksFlushedInline = 65_536

    /// Puts one sample into the head: in order onto the open chunk (cut when full or when the
    /// sample falls into another shard window), otherwise into the out-of-order buffer.
    @inline(__always)
    private static func apply(
        _ entry: WriteAheadLog.Entry, to series: inout HeadSeries, in state: inout State, options: StorageOptions,
        shards: ShardSet
    ) {
        let (id, timestamp, value) = (entry.seriesID, entry.timestamp, entry.value)
        if timestamp < series.oldest { series.oldest = timestamp }
        if timestamp > series.newest {
            if series.open.count > 0,
                series.open.count >= options.samplesPerChunk
                    || shards.windowStart(of: timestamp) != shards.windowStart(of: series.open.minTime)
            {
                cut(&series.open, of: id, in: &state)
            }
            series.open.append(timestamp: timestamp, value: value)
            series.newest = timestamp
            series.newestValue = value
            return
        }
        if timestamp == series.newest {
            if series.newestValue?.bitPattern == value.bitPattern {
                return  // the same sample again, as a retried push sends it
            }
            series.newestValue = value  // it replaces the newest: a later resend of it is the one to drop
        }
        series.outOfOrder.append(Sample(timestamp: timestamp, value: value))
        if series.outOfOrder.count >= options.samplesPerChunk {
            cutOutOfOrder(&series.outOfOrder, of: id, in: &state, shards: shards)
        }
    }

    private static func cut(_ open: inout XORChunkEncoder, of id: Int64, in state: inout State) {
        let record = ChunkRecord(
            seriesID: id, minTime: open.minTime, maxTime: open.maxTime, sequence: 0, encoding: .xor, data: open.bytes)
        addPending(record, in: &state)
        open = XORChunkEncoder()
    }

    /// Sorts the out-of-order samples, keeps the last write per timestamp, and cuts one chunk per
    /// shard window, each with a new sequence so it wins over what it overlaps.
    private static func cutOutOfOrder(_ samples: inout [Sample], of id: Int64, in state: inout State, shards: ShardSet) {
        var replaced = 0
        let sorted = SampleMerge.merge([(1, samples)], replaced: &replaced)
        state.counters.samplesReplaced += Int64(replaced)
        samples = []
        let sequence = state.nextSequence
        state.nextSequence += 1
        var start = 0
        while start < sorted.count {
            let window = shards.windowStart(of: sorted[start].timestamp)
            var end = start + 1
            while end < sorted.count, shards.windowStart(of: sorted[end].timestamp) == window { end += 1 }
            let part = Array(sorted[start..<end])
            addPending(
                ChunkRecord(
                    seriesID: id, minTime: part[0].timestamp, maxTime: part[part.count - 1].timestamp, sequence: sequence,
                    encoding: .xor, data: XORChunkEncoder(samples: part).bytes),
                in: &state)
            start = end
        }
    }

    private static func addPending(_ record: ChunkRecord, in state: inout State) {
        state.pending[record.seriesID, default: []].append(PendingChunk(number: state.nextChunkNumber, record: record))
        state.nextChunkNumber += 1
        state.pendingCount += 1
    }

    // MARK: Flushing

    /// Writes the chunks cut from the head to their shards; readers keep seeing them in the head
    /// until they are in a shard.
    public func flushPending() throws(StorageError) {
        try flushing.withLock { _ throws(StorageError) in try flushPendingWhileFlushing() }
    }

    /// Called holding `flushing`.
    private func flushPendingWhileFlushing() throws(StorageError) {
        let batch = state.withLock { state in state.pending.values.flatMap { $0 } }
        guard !batch.isEmpty else { return }
        try shards.write(batch.map(\.record))
        let written = Set(batch.map(\.number))
        state.withLock { state in
            for id in Set(batch.map(\.record.seriesID)) {
                state.pending[id]?.removeAll { written.contains($0.number) }
                if state.pending[id]?.isEmpty == true { state.pending[id] = nil }
            }
            state.pendingCount -= written.count
            state.counters.chunksFlushed += Int64(written.count)
        }
    }

    /// Moves everything in the head to the shards and empties the WAL: after this a restart has
    /// nothing to replay. Run on graceful stop and periodically to bound the WAL.
    public func checkpoint() throws(StorageError) {
        let segment = try state.withLock { state throws(StorageError) -> Int in
            var head = HeadTable()
            swap(&head, &state.head)
            for id in head.ids {
                if head[id].open.count > 0 { Self.cut(&head[id].open, of: id, in: &state) }
                if !head[id].outOfOrder.isEmpty {
                    Self.cutOutOfOrder(&head[id].outOfOrder, of: id, in: &state, shards: shards)
                }
            }
            swap(&head, &state.head)
            return try state.wal.startSegment()
        }
        try flushPending()
        state.withLock { $0.wal.deleteSegments(before: segment) }
    }

    /// Forces the WAL to disk; with `wal_fsync: 1s` the server calls this every second. An fsync
    /// can take a long while on a busy disk, so it runs outside the lock every commit needs.
    public func syncWAL() throws(StorageError) {
        guard let descriptor = try state.withLock({ state throws(StorageError) in try state.wal.descriptorToSync() })
        else { return }
        do throws(StorageError) {
            try WriteAheadLog.sync(duplicate: descriptor)
        } catch {
            state.withLock { $0.wal.syncFailed() }
            throw error
        }
    }

    /// Deletes shards wholly older than retention; returns how many.
    @discardableResult
    public func enforceRetention() -> Int {
        enforceRetention(now: clock.now())
    }

    /// Deletes shards wholly older than retention as of `now`; returns how many.
    @discardableResult
    public func enforceRetention(now: Timestamp) -> Int {
        let cutoff = now - options.retention.milliseconds
        let deleted = shards.deleteShards(endingBefore: cutoff)
        // Series whose samples are all gone then span nothing, and leave label queries.
        if deleted > 0 { state.withLock { $0.head.raiseOldest(to: shards.windowStart(of: cutoff)) } }
        return deleted
    }

    /// Recompresses what is older than `options.recompressAfter`; run every few minutes. Queries
    /// of the last hour, the most frequent, read chunks as the head cut them, without inflating.
    public func recompressSettled() throws(StorageError) {
        try recompress(before: settledBefore)
    }

    /// Data older than this is settled: no longer read hot, so kept recompressed.
    private var settledBefore: Timestamp {
        clock.now().subtractingSaturated(options.recompressAfter.milliseconds)
    }

    /// Recompresses the samples older than `cutoff` in the shards (see `ShardSet.recompress`),
    /// and merges each shard whose window ended before it into one generation.
    public func recompress(before cutoff: Timestamp) throws(StorageError) {
        try recompress(before: cutoff, mergingWindowsEndedBefore: cutoff)
    }

    private func recompress(before cutoff: Timestamp, mergingWindowsEndedBefore windowCutoff: Timestamp) throws(StorageError) {
        // Every chunk cut before this point is in its shard and merged now, and every chunk cut
        // later has a higher sequence than the groups written: last write wins stays true.
        let replaced = try flushing.withLock { _ throws(StorageError) in
            try flushPendingWhileFlushing()
            return try shards.recompress(before: cutoff, mergingWindowsEndedBefore: windowCutoff)
        }
        state.withLock { $0.counters.samplesReplaced += Int64(replaced) }
    }

    /// Checkpoints, recompresses and closes; later calls fail with `closed`. A stopped server's
    /// folder is not read hot, so the newest hour is recompressed too: the folder is compact
    /// while it waits, and the next start begins from it. (Whole windows merge on the usual rule.)
    public func close() throws(StorageError) {
        try checkpoint()
        try recompress(before: .max, mergingWindowsEndedBefore: settledBefore)
        state.withLock { $0.closed = true }
        shards.close()
        catalog.close()
    }

    /// Bytes of the WAL on disk, without the shard listing `statistics()` does.
    public var walBytes: Int64 {
        state.withLock { $0.wal.bytesOnDisk }
    }

    public func statistics() -> StorageStatistics {
        let (series, headSamples, walBytes, counters) = state.withLock { state in
            (
                state.index.count,
                state.head.sampleCount,
                state.wal.bytesOnDisk, state.counters
            )
        }
        return StorageStatistics(
            series: series, headSamples: headSamples, walBytes: walBytes, shardBytes: shards.sizes(), counters: counters)
    }
}

/// Opens the metrics engine; its owner holds it as `any Storage`.
public enum MetricsEngine {
    public static func open(
        path: String, options: StorageOptions = StorageOptions(), clock: any WallClock = SystemClock(),
        logger: Logger = Logger(label: "osprey.storage")
    ) throws(StorageError) -> any Storage {
        try MetricsStorage(path: path, options: options, clock: clock, logger: logger)
    }
}
