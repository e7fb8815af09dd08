import GRDB

/// How Osprey opens its SQLite files: in WAL mode, so readers never wait for the writer, and
/// with their schema brought up to date by versioned migrations.
///
/// Every database names its migrations in one `DatabaseMigrator` (GRDB records those applied in
/// `grdb_migrations`). A database that existed before it had migrations gets a first migration
/// written with `IF NOT EXISTS`, which adopts the tables such a file already has; every later
/// change is a migration of its own, never an edit of one that shipped.
public enum SQLiteFile {
    /// How far a commit goes before it returns.
    public enum Durability: String, Sendable {
        /// Synced to disk at every commit: what was acknowledged survives a power cut.
        case synced = "FULL"
        /// Synced at checkpoints: a power cut may lose the last commits, never corrupt the file.
        case checkpointed = "NORMAL"
    }

    /// The database at `path`, created when missing, for one writer at a time.
    public static func open(_ path: String, durability: Durability = .synced, schema: DatabaseMigrator) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL; PRAGMA synchronous = \(durability.rawValue)")
        }
        let database = try DatabaseQueue(path: path, configuration: configuration)
        try schema.migrate(database)
        return database
    }

    /// The database at `path`, created when missing, read by many threads at once (a pool is in
    /// WAL mode by itself).
    public static func openPool(_ path: String, durability: Durability = .synced, schema: DatabaseMigrator) throws -> DatabasePool {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(durability.rawValue)")
        }
        let pool = try DatabasePool(path: path, configuration: configuration)
        try schema.migrate(pool)
        return pool
    }
}
