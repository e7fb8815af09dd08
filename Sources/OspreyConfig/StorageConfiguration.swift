import OspreyModel

/// `storage:`: how metrics are kept on disk. Read at start; a reload does not change them.
public struct StorageConfiguration: Codable, Equatable, Sendable {
    /// When a committed batch is forced to disk.
    public enum WALFsync: String, Codable, Sendable, CaseIterable {
        /// Before every acknowledgement: survives power loss, costs a disk flush per commit.
        case always
        /// Once a second: survives a crash of Osprey (even `kill -9`), may lose the last second
        /// of acknowledged samples if the machine itself goes down.
        case everySecond = "1s"
    }

    /// Samples older than this are refused, and shards wholly older are deleted.
    public var retention: Duration
    /// Samples further ahead of the clock than this are refused, so that a wrong timestamp
    /// does not make a shard retention never reaches.
    public var maxFuture: Duration
    /// Time span of one shard file.
    public var shardWindow: Duration
    /// New series beyond this count are refused; existing ones keep ingesting.
    public var maxSeries: Int
    public var walFsync: WALFsync

    public init(
        retention: Duration = .seconds(15 * 86_400), shardWindow: Duration = .seconds(86_400),
        maxSeries: Int = 1_000_000, walFsync: WALFsync = .everySecond, maxFuture: Duration = .seconds(600)
    ) {
        self.retention = retention
        self.maxFuture = maxFuture
        self.shardWindow = shardWindow
        self.maxSeries = maxSeries
        self.walFsync = walFsync
    }

    enum CodingKeys: String, CodingKey {
        case retention
        case shardWindow = "shard_window"
        case maxSeries = "max_series"
        case walFsync = "wal_fsync"
        case maxFuture = "max_future"
    }

    public init(from decoder: any Decoder) throws {
        let defaults = StorageConfiguration()
        let container = try decoder.container(keyedBy: CodingKeys.self)
        retention = try container.decodeIfPresent(DurationValue.self, forKey: .retention)?.duration ?? defaults.retention
        shardWindow = try container.decodeIfPresent(DurationValue.self, forKey: .shardWindow)?.duration ?? defaults.shardWindow
        maxSeries = try container.decodeIfPresent(Int.self, forKey: .maxSeries) ?? defaults.maxSeries
        walFsync = try container.decodeIfPresent(WALFsyncValue.self, forKey: .walFsync)?.value ?? defaults.walFsync
        maxFuture = try container.decodeIfPresent(DurationValue.self, forKey: .maxFuture)?.duration ?? defaults.maxFuture

        var problems: [String] = []
        if retention <= .zero { problems.append("retention must be greater than 0s") }
        if shardWindow < .seconds(60) { problems.append("shard_window must be at least 1m") }
        if maxSeries < 1 { problems.append("max_series must be at least 1") }
        if !problems.isEmpty {
            throw ConfigProblems(problems)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(retention.prometheusString, forKey: .retention)
        try container.encode(shardWindow.prometheusString, forKey: .shardWindow)
        try container.encode(maxSeries, forKey: .maxSeries)
        try container.encode(walFsync.rawValue, forKey: .walFsync)
        try container.encode(maxFuture.prometheusString, forKey: .maxFuture)
    }

    /// Reads `always` or `1s`, naming both in the error otherwise.
    private struct WALFsyncValue: Decodable {
        var value: WALFsync
        init(from decoder: any Decoder) throws {
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let value = WALFsync(rawValue: text) else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: decoder.codingPath, debugDescription: "wal_fsync must be \"always\" or \"1s\", not \"\(text)\""))
            }
            self.value = value
        }
    }
}
