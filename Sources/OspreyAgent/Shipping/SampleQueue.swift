import Foundation
import GRDB
import Logging
import OspreyModel
import OspreySQLite
import Synchronization

/// The agent's disk-backed queue: batches of samples in text format, oldest first, in one
/// SQLite file, kept until a server has acknowledged them. A batch `enqueue` accepted survives
/// `kill -9` (every commit is synced), so an agent restarted during an outage resumes from here.
///
/// Past `maxBytes` the oldest batches are dropped, and their samples counted and logged: the
/// newest data matters most once the server is back.
public final class SampleQueue: Sendable {
    /// One queued batch: text-format lines, each with its own timestamp.
    public struct Batch: Sendable {
        public var id: Int64
        public var enqueuedAt: Date
        public var samples: Int
        public var body: [UInt8]
    }

    public struct Statistics: Sendable, Equatable {
        public var batches = 0
        public var samples = 0
        public var bytes = 0
        /// Samples dropped to stay under `maxBytes` since the queue was opened.
        public var droppedSamples = 0
        public var oldestEnqueuedAt: Date?
    }

    private let database: DatabaseQueue
    private let maxBytes: Int
    private let logger: Logger
    private let totals = Mutex(Statistics())
    /// Rings on every enqueue, so the shipper wakes without polling.
    public let changed = WakeSignal()

    public init(path: String, maxBytes: Int, logger: Logger) throws(AgentError) {
        self.maxBytes = maxBytes
        self.logger = logger
        do {
            // The default file sits in a folder of its own (`data-agent/`) that a first start creates.
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            database = try SQLiteFile.open(path, schema: Self.schema)
            let found = try database.read { db in
                try Row.fetchOne(
                    db, sql: "SELECT COUNT(*), COALESCE(SUM(samples), 0), COALESCE(SUM(length(body)), 0), MIN(enqueued_at) FROM batches")
            }
            if let found {
                totals.withLock {
                    $0.batches = found[0]
                    $0.samples = found[1]
                    $0.bytes = found[2]
                    $0.oldestEnqueuedAt = (found[3] as Double?).map(Date.init(timeIntervalSince1970:))
                }
            }
        } catch {
            throw AgentError("open the agent's buffer \(path)", error)
        }
    }

    private static var schema: DatabaseMigrator {
        var schema = DatabaseMigrator()
        // Queues of releases before migrations have these tables already.
        schema.registerMigration("v1: batches, metadata") { db in
            try db.execute(
                sql: """
                    CREATE TABLE IF NOT EXISTS batches (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        enqueued_at REAL NOT NULL,
                        samples INTEGER NOT NULL,
                        body BLOB NOT NULL
                    );
                    CREATE TABLE IF NOT EXISTS metadata (
                        metric TEXT PRIMARY KEY,
                        type TEXT NOT NULL,
                        help TEXT NOT NULL,
                        unit TEXT NOT NULL,
                        pending INTEGER NOT NULL,
                        sent_at REAL NOT NULL DEFAULT 0
                    );
                    """)
        }
        return schema
    }

    public var statistics: Statistics { totals.withLock { $0 } }

    /// Stores a batch durably, and `metadata` as news for the shipper; when the queue would then
    /// hold more than `maxBytes`, the oldest batches go first. A batch larger than the whole
    /// buffer is dropped itself.
    public func enqueue(
        _ body: [UInt8], samples: Int, metadata: [String: MetricMetadata] = [:], at time: Date = Date()
    ) throws(AgentError) {
        guard samples > 0 else { return }
        guard body.count <= maxBytes else {
            totals.withLock { $0.droppedSamples += samples }
            logger.warning(
                "batch larger than the buffer dropped", metadata: ["bytes": "\(body.count)", "max_bytes": "\(maxBytes)", "samples": "\(samples)"])
            return
        }
        let droppedSamples: Int
        do {
            // Totals change inside the write, which the database runs one at a time.
            droppedSamples = try database.write { db -> Int in
                try db.execute(
                    sql: "INSERT INTO batches (enqueued_at, samples, body) VALUES (?, ?, ?)",
                    arguments: [time.timeIntervalSince1970, samples, Data(body)])
                // News when the description changed, or when it went out long enough ago that
                // a server may have missed it; a push repeating it every few seconds is not.
                let remindBefore = time.timeIntervalSince1970 - MetricMetadata.resendInterval.seconds
                for (metric, description) in metadata {
                    try db.execute(
                        sql: """
                            INSERT INTO metadata (metric, type, help, unit, pending) VALUES (?, ?, ?, ?, 1)
                            ON CONFLICT (metric) DO UPDATE SET
                                type = excluded.type, help = excluded.help, unit = excluded.unit, pending = 1
                            WHERE type != excluded.type OR help != excluded.help OR unit != excluded.unit OR sent_at < ?
                            """,
                        arguments: [metric, description.type.rawValue, description.help, description.unit, remindBefore])
                }
                var excess = totals.withLock { totals in
                    totals.batches += 1
                    totals.samples += samples
                    totals.bytes += body.count
                    totals.oldestEnqueuedAt = totals.oldestEnqueuedAt ?? time
                    return totals.bytes - maxBytes
                }
                guard excess > 0 else { return 0 }
                // Oldest first, until the rest fits.
                var dropped = (batches: 0, samples: 0, bytes: 0, through: Int64(0))
                let rows = try Row.fetchCursor(db, sql: "SELECT id, samples, length(body) FROM batches ORDER BY id")
                while excess > 0, let row = try rows.next() {
                    let bytes: Int = row[2]
                    dropped = (dropped.batches + 1, dropped.samples + row[1], dropped.bytes + bytes, row[0])
                    excess -= bytes
                }
                try db.execute(sql: "DELETE FROM batches WHERE id <= ?", arguments: [dropped.through])
                let oldest = try Double.fetchOne(db, sql: "SELECT MIN(enqueued_at) FROM batches")
                totals.withLock { totals in
                    totals.batches -= dropped.batches
                    totals.samples -= dropped.samples
                    totals.bytes -= dropped.bytes
                    totals.droppedSamples += dropped.samples
                    totals.oldestEnqueuedAt = oldest.map(Date.init(timeIntervalSince1970:))
                }
                return dropped.samples
            }
        } catch {
            throw AgentError("queue \(samples) samples in the agent's buffer", error)
        }
        if droppedSamples > 0 {
            logger.warning(
                "buffer full: oldest samples dropped", metadata: ["dropped_samples": "\(droppedSamples)", "max_bytes": "\(maxBytes)"])
        }
        changed.signal()
    }

    /// The oldest batches, together holding at most `maxSamples` samples (but always the
    /// oldest one, however large).
    public func oldest(maxSamples: Int) throws(AgentError) -> [Batch] {
        do {
            return try database.read { db in
                var batches: [Batch] = []
                var samples = 0
                let rows = try Row.fetchCursor(db, sql: "SELECT id, enqueued_at, samples, body FROM batches ORDER BY id")
                while let row = try rows.next() {
                    let count: Int = row[2]
                    if !batches.isEmpty, samples + count > maxSamples { break }
                    let body: Data = row[3]
                    batches.append(
                        Batch(id: row[0], enqueuedAt: Date(timeIntervalSince1970: row[1]), samples: count, body: Array(body)))
                    samples += count
                }
                return batches
            }
        } catch {
            throw AgentError("read the agent's buffer", error)
        }
    }

    /// The families whose metadata no server has been sent since it was queued.
    public func pendingMetadata() throws(AgentError) -> [String: MetricMetadata] {
        do {
            return try database.read { db in
                var metadata: [String: MetricMetadata] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT metric, type, help, unit FROM metadata WHERE pending = 1") {
                    metadata[row[0]] = MetricMetadata(type: MetricType(rawValue: row[1]) ?? .unknown, help: row[2], unit: row[3])
                }
                return metadata
            }
        } catch {
            throw AgentError("read the agent's metadata", error)
        }
    }

    /// Notes `metadata` as taken by a server at `time`; a family described anew meanwhile stays pending.
    public func metadataSent(_ metadata: [String: MetricMetadata], at time: Date = Date()) throws(AgentError) {
        do {
            try database.write { db in
                for (metric, description) in metadata {
                    try db.execute(
                        sql: "UPDATE metadata SET pending = 0, sent_at = ? WHERE metric = ? AND type = ? AND help = ? AND unit = ?",
                        arguments: [time.timeIntervalSince1970, metric, description.type.rawValue, description.help, description.unit])
                }
            }
        } catch {
            throw AgentError("note the agent's metadata as sent", error)
        }
    }

    /// Forgets every batch up to and including `id`, once a server has them.
    public func remove(through id: Int64) throws(AgentError) {
        do {
            try database.write { db in
                guard
                    let gone = try Row.fetchOne(
                        db, sql: "SELECT COUNT(*), COALESCE(SUM(samples), 0), COALESCE(SUM(length(body)), 0) FROM batches WHERE id <= ?",
                        arguments: [id])
                else { return }
                try db.execute(sql: "DELETE FROM batches WHERE id <= ?", arguments: [id])
                let oldest = try Double.fetchOne(db, sql: "SELECT MIN(enqueued_at) FROM batches")
                totals.withLock { totals in
                    totals.batches -= gone[0] as Int
                    totals.samples -= gone[1] as Int
                    totals.bytes -= gone[2] as Int
                    totals.oldestEnqueuedAt = oldest.map(Date.init(timeIntervalSince1970:))
                }
            }
        } catch {
            throw AgentError("remove shipped batches from the agent's buffer", error)
        }
    }
}
