import OspreyModel

/// A storage engine as its owner sees it, as Prometheus's `storage.Storage`: samples in and out,
/// each metric family's metadata, figures for `/metrics`, background work, and a close.
public protocol Storage: Appendable, Queryable, MetadataReader {
    func statistics() -> StorageStatistics

    /// Runs the engine's background work (syncing its log, moving and recompressing data,
    /// deleting what retention lets go) until the task is cancelled.
    func maintain() async

    /// Makes everything durable and releases the files; later calls fail with `closed`.
    func close() throws(StorageError)
}

/// Each metric family's metadata (`# TYPE`, `# HELP`, `# UNIT`) as scrapes and pushes last gave it.
public protocol MetadataReader: Sendable {
    func metadata() -> [String: [MetricMetadata]]
}

/// Sizes and counts of a storage, for `/metrics`.
public struct StorageStatistics: Sendable {
    public var series: Int
    /// Samples held in memory, not yet in a shard.
    public var headSamples: Int
    public var walBytes: Int64
    /// Bytes of each shard file, by the start of its window.
    public var shardBytes: [Int64: Int64]
    public var counters: StorageCounters

    public init(series: Int, headSamples: Int, walBytes: Int64, shardBytes: [Int64: Int64], counters: StorageCounters) {
        self.series = series
        self.headSamples = headSamples
        self.walBytes = walBytes
        self.shardBytes = shardBytes
        self.counters = counters
    }
}

/// Totals since start, for `/metrics`.
public struct StorageCounters: Sendable, Equatable {
    public var samplesAppended: Int64 = 0
    public var samplesReplaced: Int64 = 0
    public var rejectedSeriesLimit: Int64 = 0
    public var rejectedOutOfRetention: Int64 = 0
    public var rejectedTooFarInFuture: Int64 = 0
    public var rejectedInvalid: Int64 = 0
    public var chunksFlushed: Int64 = 0

    public init() {}
}
