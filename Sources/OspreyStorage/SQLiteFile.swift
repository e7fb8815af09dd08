import GRDB

/// How Osprey opens its SQLite files: in WAL mode, so readers never wait for the writer.
public enum SQLiteFile {
    /// How far a commit goes before it returns.
    public enum Durability: String, Sendable {
        /// Synced to disk at every commit: what was acknowledged survives a power cut.
        case synced = "FULL"
        /// Synced at checkpoints: a power cut may lose the last commits, never corrupt the file.
        case checkpointed = "NORMAL"
    }

    /// The database at `path`, created when missing.
    public static func open(_ path: String, durability: Durability = .synced) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL; PRAGMA synchronous = \(durability.rawValue)")
        }
        return try DatabaseQueue(path: path, configuration: configuration)
    }
}
