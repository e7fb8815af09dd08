/// How the metrics storage keeps its data; `storage:` in the config.
public struct StorageOptions: Sendable, Equatable {
    /// When a committed batch is forced to disk.
    public enum WALFsync: Sendable, Equatable {
        /// Before every commit returns: survives power loss.
        case always
        /// At most this long after a commit: survives a crash of Osprey, not of the machine.
        case interval(Duration)
    }

    /// Time span of one shard file; retention deletes whole shards.
    public var shardWindow: Duration
    /// Samples older than this are refused, and shards wholly older are deleted.
    public var retention: Duration
    /// Samples further ahead of the clock than this are refused: a shard for a time that never
    /// comes would outlive every retention.
    public var maxFuture: Duration
    /// New series beyond this count are refused.
    public var maxSeries: Int
    public var walFsync: WALFsync
    /// A head chunk is written to its shard once it holds this many samples.
    public var samplesPerChunk: Int
    /// Chunks are recompressed into cold groups once their samples are this old.
    public var recompressAfter: Duration
    /// Decoded samples kept for repeated reads of the same chunks (16 bytes each; 0 turns the
    /// cache off). The default, 2 M, holds about 32 MB.
    public var decodedChunkCacheSamples: Int

    public init(
        shardWindow: Duration = .seconds(86_400), retention: Duration = .seconds(15 * 86_400),
        maxSeries: Int = 1_000_000, walFsync: WALFsync = .interval(.seconds(1)), samplesPerChunk: Int = 1024,
        decodedChunkCacheSamples: Int = 2_000_000, maxFuture: Duration = .seconds(600), recompressAfter: Duration = .seconds(3600)
    ) {
        self.recompressAfter = recompressAfter
        self.decodedChunkCacheSamples = decodedChunkCacheSamples
        self.shardWindow = shardWindow
        self.retention = retention
        self.maxFuture = maxFuture
        self.maxSeries = maxSeries
        self.walFsync = walFsync
        self.samplesPerChunk = samplesPerChunk
    }
}
