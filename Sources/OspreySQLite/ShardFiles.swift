import Foundation
import GRDB
import OspreyModel
import Synchronization

/// A folder of SQLite files, one per time window (`<folder>/<window start ms>.sqlite`), each
/// with the same schema: the time-sharded store every signal keeps its data in. Retention
/// deletes whole files, so it never rewrites what it keeps.
public final class ShardFiles: Sendable {
    public let folder: String
    /// Milliseconds of one window.
    public let window: Int64
    private let schema: DatabaseMigrator
    private let pools = Mutex<[Int64: DatabasePool]>([:])
    /// Held while a shard is opened, so that one file is never opened by two pools at once.
    private let opening = Mutex<Void>(())

    /// Why a shard file could not be used.
    public struct Failure: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "\(path): \(reason)" }
    }

    public init(folder: String, window: Duration, schema: DatabaseMigrator) throws(Failure) {
        self.folder = folder
        self.window = max(window.milliseconds, 1)
        self.schema = schema
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw Failure(path: folder, reason: "cannot create the shard folder: \(error.localizedDescription)")
        }
    }

    /// Start of the window holding `timestamp`.
    public func windowStart(of timestamp: Timestamp) -> Int64 {
        let (quotient, remainder) = timestamp.quotientAndRemainder(dividingBy: window)
        // Near Int64.min (a query from the beginning of time) the start would overflow.
        let (start, overflow) = (remainder < 0 ? quotient - 1 : quotient).multipliedReportingOverflow(by: window)
        return overflow ? .min : start
    }

    /// Windows with a shard file, oldest first.
    public func windows() -> [Int64] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.compactMap { name in
            name.hasSuffix(".sqlite") ? Int64(name.dropLast(".sqlite".count)) : nil
        }.sorted()
    }

    public func path(_ start: Int64) -> String { "\(folder)/\(start).sqlite" }

    /// The shard of window `start`, its schema brought up to date; nil when it has no file and
    /// `create` is false.
    public func pool(_ start: Int64, create: Bool) throws(Failure) -> DatabasePool? {
        if let open = pools.withLock({ $0[start] }) { return open }
        // Two pools opening the same file at once collide on its write lock (SQLITE_BUSY while
        // creating the tables), as a select and the first write into a new window would.
        return try opening.withLock { _ throws(Failure) -> DatabasePool? in
            if let open = pools.withLock({ $0[start] }) { return open }
            let path = path(start)
            let exists = FileManager.default.fileExists(atPath: path)
            guard create || exists else { return nil }
            do {
                if !exists { try Self.createFile(path) }
                let pool = try SQLiteFile.openPool(path, durability: .checkpointed, schema: schema)
                pools.withLock { $0[start] = pool }
                return pool
            } catch {
                throw Failure(path: path, reason: "cannot open: \(error)")
            }
        }
    }

    /// Shard files hold mostly blobs of tens of KiB, each ending in a partly filled page: pages of
    /// 2 KiB waste half what SQLite's default 4 KiB do, and still keep a chunk as the head cuts
    /// it (about 1.3 KiB) in its row rather than in an overflow page.
    static let pageSize = 2048

    /// Creates an empty shard file with its page size, which is fixed once the file is written
    /// and cannot change under WAL.
    private static func createFile(_ path: String) throws {
        let database = try DatabaseQueue(path: path)
        try database.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA page_size = \(pageSize)")
            try db.execute(sql: "PRAGMA journal_mode = WAL")
        }
        try database.close()
    }

    /// Deletes the shards whose whole window is older than `cutoff`; returns how many.
    @discardableResult
    public func deleteShards(endingBefore cutoff: Timestamp) -> Int {
        var deleted = 0
        for start in windows() where start &+ window <= cutoff {
            let pool = pools.withLock { $0.removeValue(forKey: start) }
            try? pool?.close()
            for suffix in ["", "-wal", "-shm"] {
                try? FileManager.default.removeItem(atPath: path(start) + suffix)
            }
            deleted += 1
        }
        return deleted
    }

    /// Bytes of each shard's files (database and WAL), by window start.
    public func sizes() -> [Int64: Int64] {
        var sizes: [Int64: Int64] = [:]
        for start in windows() {
            var total: Int64 = 0
            for suffix in ["", "-wal"] {
                if let attributes = try? FileManager.default.attributesOfItem(atPath: path(start) + suffix),
                    let size = attributes[.size] as? NSNumber
                {
                    total += size.int64Value
                }
            }
            sizes[start] = total
        }
        return sizes
    }

    /// Checkpoints and closes every open shard.
    public func close() {
        let open = pools.withLock { pools in
            defer { pools.removeAll() }
            return pools
        }
        for (start, pool) in open {
            try? pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
            try? pool.close()
            // A pool closes its writer before its readers, so no close of it is the last one and
            // SQLite keeps the -wal and -shm files; one more connection, closed last, removes them.
            try? DatabaseQueue(path: path(start)).close()
        }
    }
}
