import Foundation
import GRDB
import OspreyModel
import OspreySQLite

/// Which series each pushgateway group holds, kept in `pushgateway.sqlite` in the data folder.
///
/// A series does not say which of its labels came from the URL, so a group cannot be told from
/// one nested in it (`{job="backup"}` from `{job="backup",instance="db1"}`) by its series alone;
/// the pushgateway keeps its groups apart, and so does this record.
public final class PushGroupStore: Sendable {
    private let database: DatabaseQueue

    public init(path: String) throws(IngestError) {
        do {
            database = try SQLiteFile.open(path, schema: Self.schema)
        } catch {
            throw .failed("cannot open the pushgateway groups \(path): \(error)")
        }
    }

    private static var schema: DatabaseMigrator {
        var schema = DatabaseMigrator()
        // Files of releases before migrations have this table already.
        schema.registerMigration("v1: series of each group") { db in
            try db.execute(
                sql: """
                    CREATE TABLE IF NOT EXISTS group_series (
                        group_key TEXT NOT NULL,
                        labels TEXT NOT NULL,
                        PRIMARY KEY (group_key, labels)
                    ) WITHOUT ROWID
                    """)
        }
        return schema
    }

    /// The series last pushed to `group` and not ended since.
    public func series(of group: [Label]) throws(IngestError) -> Set<Labels> {
        let key = Self.key(group)
        do {
            let texts = try database.read { db in
                try String.fetchAll(db, sql: "SELECT labels FROM group_series WHERE group_key = ?", arguments: [key])
            }
            return Set(try texts.map(Self.decode))
        } catch {
            throw .failed("cannot read the pushgateway group \(key): \(error)")
        }
    }

    /// Records `series` as pushed to `group`: in place of what it held with `replacing` (PUT),
    /// besides it otherwise (POST).
    public func record(_ series: [Labels], in group: [Label], replacing: Bool) throws(IngestError) {
        let key = Self.key(group)
        do {
            try database.write { db in
                if replacing {
                    try db.execute(sql: "DELETE FROM group_series WHERE group_key = ?", arguments: [key])
                }
                for labels in series {
                    try db.execute(
                        sql: "INSERT OR IGNORE INTO group_series (group_key, labels) VALUES (?, ?)",
                        arguments: [key, try Self.encode(labels)])
                }
            }
        } catch {
            throw .failed("cannot record the pushgateway group \(key): \(error)")
        }
    }

    /// Forgets `group` (DELETE).
    public func remove(_ group: [Label]) throws(IngestError) {
        try record([], in: group, replacing: true)
    }

    /// The group's labels in one canonical text, whatever order the URL gave them in.
    public static func key(_ group: [Label]) -> String {
        Labels(group).description
    }

    private static func encode(_ labels: Labels) throws -> String {
        String(decoding: try JSONEncoder().encode(labels.map { [$0.name, $0.value] }), as: UTF8.self)
    }

    private static func decode(_ text: String) throws -> Labels {
        let pairs = try JSONDecoder().decode([[String]].self, from: Data(text.utf8))
        return Labels(pairs.compactMap { $0.count == 2 ? Label($0[0], $0[1]) : nil })
    }
}
