import Foundation
import GRDB
import OspreyModel
import OspreySQLite

/// The alerting state that must outlive the process, in one SQLite file (`alerting.sqlite` in
/// the data folder): the outbox of notifications still owed to receivers, the notification log
/// of what each group last told its receiver, the silences, and the alerts the dispatcher holds.
///
/// Every commit is synced to disk (`synchronous = FULL` in WAL mode) before it returns, so a
/// notification that `enqueue` accepted survives `kill -9` and power loss alike.
public final class AlertingStore: NotificationOutbox, Sendable {
    let database: DatabaseQueue
    /// Rings on every enqueue (and when a delivery worker finishes a queue), so the one
    /// `NotificationDelivery` reading this outbox starts sending without polling.
    let outboxChanged = WakeSignal()
    /// The silences, kept in this file and mirrored in memory for `isSilenced`.
    public let silences: SilenceStore

    public init(path: String) throws(AlertingStoreError) {
        do {
            database = try SQLiteFile.open(path, schema: Self.schema)
        } catch {
            throw AlertingStoreError("open the alerting database \(path)", error)
        }
        silences = try SilenceStore(database: database)
    }

    private static var schema: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: outbox, notification log, silences") { db in
            try db.execute(
                sql: """
                    CREATE TABLE outbox (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        receiver TEXT NOT NULL,
                        group_key TEXT NOT NULL,
                        url TEXT NOT NULL,
                        headers TEXT NOT NULL,
                        body BLOB NOT NULL,
                        enqueued_at REAL NOT NULL,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at REAL NOT NULL,
                        last_error TEXT
                    );
                    CREATE INDEX outbox_queue ON outbox (receiver, group_key, url, id);
                    CREATE TABLE notification_log (
                        receiver TEXT NOT NULL,
                        group_key TEXT NOT NULL,
                        firing TEXT NOT NULL,
                        resolved TEXT NOT NULL,
                        sent_at REAL NOT NULL,
                        PRIMARY KEY (receiver, group_key)
                    );
                    CREATE TABLE silences (
                        id TEXT PRIMARY KEY,
                        matchers TEXT NOT NULL,
                        starts_at REAL NOT NULL,
                        ends_at REAL NOT NULL,
                        created_by TEXT NOT NULL,
                        comment TEXT NOT NULL,
                        updated_at REAL NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v2: the dispatcher's alerts") { db in
            try db.execute(
                sql: """
                    CREATE TABLE alerts (
                        fingerprint INTEGER PRIMARY KEY,
                        labels TEXT NOT NULL,
                        annotations TEXT NOT NULL,
                        starts_at REAL NOT NULL,
                        ends_at REAL NOT NULL,
                        generator_url TEXT NOT NULL
                    );
                    """)
        }
        return migrator
    }

    // MARK: NotificationOutbox

    public func lastNotified(receiver: String, groupKey: String) async throws -> NotificationLogEntry? {
        do {
            return try await database.read { db in
                try Row.fetchOne(
                    db, sql: "SELECT firing, resolved, sent_at FROM notification_log WHERE receiver = ? AND group_key = ?",
                    arguments: [receiver, groupKey]
                ).map { row in
                    NotificationLogEntry(
                        firing: try Self.fingerprints(row["firing"]), resolved: try Self.fingerprints(row["resolved"]),
                        sentAt: Date(timeIntervalSince1970: row["sent_at"]))
                }
            }
        } catch {
            throw AlertingStoreError("read the notification log of receiver \"\(receiver)\" group \(groupKey)", error)
        }
    }

    public func enqueue(
        _ notifications: [Notification], notified entry: NotificationLogEntry, receiver: String, groupKey: String
    ) async throws {
        let now = Date().timeIntervalSince1970
        do {
            let encoded = try notifications.map { ($0, try Self.json($0.headers)) }
            let firing = try Self.json(entry.firing.sorted())
            let resolved = try Self.json(entry.resolved.sorted())
            try await database.write { db in
                for (notification, headers) in encoded {
                    try db.execute(
                        sql: """
                            INSERT INTO outbox (receiver, group_key, url, headers, body, enqueued_at, next_attempt_at)
                            VALUES (?, ?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            notification.receiver, notification.groupKey, notification.url, headers, notification.body,
                            now, now,
                        ])
                }
                try db.execute(
                    sql: """
                        INSERT INTO notification_log (receiver, group_key, firing, resolved, sent_at) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT (receiver, group_key) DO UPDATE
                        SET firing = excluded.firing, resolved = excluded.resolved, sent_at = excluded.sent_at
                        """,
                    arguments: [receiver, groupKey, firing, resolved, entry.sentAt.timeIntervalSince1970])
            }
        } catch {
            throw AlertingStoreError(
                "enqueue \(notifications.count) notifications for receiver \"\(receiver)\" group \(groupKey)", error)
        }
        if !notifications.isEmpty { outboxChanged.signal() }
    }

    /// Forgets log entries older than `cutoff`, as Alertmanager drops them after its retention.
    public func pruneNotificationLog(sentBefore cutoff: Date) async throws(AlertingStoreError) {
        do {
            try await database.write { db in
                try db.execute(
                    sql: "DELETE FROM notification_log WHERE sent_at < ?", arguments: [cutoff.timeIntervalSince1970])
            }
        } catch {
            throw AlertingStoreError("prune the notification log", error)
        }
    }

    // MARK: The outbox as the delivery reads it

    /// The oldest notification of every queue: only a queue's head may be sent.
    public func queueHeads() async throws(AlertingStoreError) -> [OutboxQueueHead] {
        do {
            return try await database.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT o.id, o.receiver, o.group_key, o.url, o.next_attempt_at FROM outbox o
                        JOIN (SELECT MIN(id) AS id FROM outbox GROUP BY receiver, group_key, url) head ON o.id = head.id
                        ORDER BY o.id
                        """
                ).map { row in
                    OutboxQueueHead(
                        queue: OutboxQueue(receiver: row["receiver"], groupKey: row["group_key"], url: row["url"]),
                        id: row["id"], nextAttemptAt: Date(timeIntervalSince1970: row["next_attempt_at"]))
                }
            }
        } catch {
            throw AlertingStoreError("list the outbox queues", error)
        }
    }

    /// The oldest notification of `queue`, nil when the queue is empty.
    public func head(of queue: OutboxQueue) async throws(AlertingStoreError) -> PendingNotification? {
        do {
            return try await database.read { db in
                try Row.fetchOne(
                    db,
                    sql: """
                        SELECT * FROM outbox WHERE receiver = ? AND group_key = ? AND url = ? ORDER BY id LIMIT 1
                        """,
                    arguments: [queue.receiver, queue.groupKey, queue.url]
                ).map(Self.pending)
            }
        } catch {
            throw AlertingStoreError("read the outbox of \(queue)", error)
        }
    }

    /// Every notification still owed, oldest first.
    public func pendingNotifications() async throws(AlertingStoreError) -> [PendingNotification] {
        do {
            return try await database.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM outbox ORDER BY id").map(Self.pending)
            }
        } catch {
            throw AlertingStoreError("read the outbox", error)
        }
    }

    /// How many notifications are still owed.
    public func pendingCount() async throws(AlertingStoreError) -> Int {
        do {
            return try await database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox") ?? 0 }
        } catch {
            throw AlertingStoreError("count the outbox", error)
        }
    }

    /// Removes a notification its receiver accepted.
    public func markDelivered(_ id: Int64) async throws(AlertingStoreError) {
        do {
            try await database.write { db in try db.execute(sql: "DELETE FROM outbox WHERE id = ?", arguments: [id]) }
        } catch {
            throw AlertingStoreError("remove delivered notification \(id) from the outbox", error)
        }
    }

    /// Records a failed attempt and when to try again.
    public func markFailed(_ id: Int64, attempts: Int, error message: String, retryAt: Date)
        async throws(AlertingStoreError)
    {
        do {
            try await database.write { db in
                try db.execute(
                    sql: "UPDATE outbox SET attempts = ?, last_error = ?, next_attempt_at = ? WHERE id = ?",
                    arguments: [attempts, message, retryAt.timeIntervalSince1970, id])
            }
        } catch {
            throw AlertingStoreError("record a failed attempt of notification \(id)", error)
        }
    }

    // MARK: Encoding

    private static func pending(_ row: Row) throws -> PendingNotification {
        let headersText: String = row["headers"]
        let headers = try JSONDecoder().decode([String: String].self, from: Data(headersText.utf8))
        return PendingNotification(
            id: row["id"],
            notification: Notification(
                receiver: row["receiver"], groupKey: row["group_key"], url: row["url"], headers: headers,
                body: row["body"]),
            enqueuedAt: Date(timeIntervalSince1970: row["enqueued_at"]), attempts: row["attempts"],
            nextAttemptAt: Date(timeIntervalSince1970: row["next_attempt_at"]), lastError: row["last_error"])
    }

    private static func fingerprints(_ text: String) throws -> Set<UInt64> {
        Set(try JSONDecoder().decode([UInt64].self, from: Data(text.utf8)))
    }

    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
