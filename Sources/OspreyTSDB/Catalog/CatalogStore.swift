import Foundation
import GRDB
import OspreyModel
import OspreySQLite
import OspreyStorage
import Synchronization

/// The series catalog on disk (`catalog.sqlite`): every series id and its labels, and each
/// metric family's metadata. Label names
/// and values are stored once each in `symbols` and series refer to them by number, since the
/// same few strings (`job`, `instance`, host names) recur across thousands of series. The
/// postings are rebuilt in memory from it at start.
///
/// A symbol is the UTF-8 bytes of its name or value, written as a BLOB so that it comes back byte
/// for byte: SQLite hands TEXT to Swift as a C string, which ends at the first NUL. Catalogs
/// written before hold TEXT symbols, which read back as their bytes too (`CAST(text AS BLOB)`).
final class CatalogStore: Sendable {
    private let database: DatabaseQueue
    /// Every symbol's id, loaded at start and kept current by `insert`.
    private let symbols = Mutex(Symbols())

    private struct Symbols {
        /// By bytes: `é` and `e` with a combining accent are two symbols.
        var ids: [ExactString: Int64] = [:]
        /// One past the largest id in the table. Not the number of symbols: a catalog may hold
        /// one text under two ids (older versions cut values at a NUL), and ids must not collide.
        var nextID: Int64 = 1
    }

    init(path: String) throws(StorageError) {
        do {
            database = try SQLiteFile.open(path, durability: .checkpointed, schema: Self.schema)
        } catch {
            throw .io("cannot open the series catalog \(path): \(error)")
        }
    }

    private static var schema: DatabaseMigrator {
        var schema = DatabaseMigrator()
        // Catalogs of releases before migrations have these tables already (some with TEXT symbols).
        schema.registerMigration("v1: symbols, series, metadata") { db in
            try db.execute(
                sql: """
                    CREATE TABLE IF NOT EXISTS symbols (id INTEGER PRIMARY KEY, text BLOB NOT NULL);
                    CREATE TABLE IF NOT EXISTS series (id INTEGER PRIMARY KEY, labels BLOB NOT NULL);
                    CREATE TABLE IF NOT EXISTS metadata (
                        metric TEXT NOT NULL, position INTEGER NOT NULL,
                        type TEXT NOT NULL, help TEXT NOT NULL, unit TEXT NOT NULL,
                        PRIMARY KEY (metric, position));
                    """)
        }
        return schema
    }

    func load() throws(StorageError) -> [(id: Int64, labels: Labels)] {
        let rows: [(Int64, [UInt8])]
        let table: [Int64: String]
        do {
            (table, rows) = try database.read { db in
                let table = Dictionary(
                    uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT id, CAST(text AS BLOB) FROM symbols").map { row in
                        (row[0] as Int64, String(decoding: row[1] as Data? ?? Data(), as: UTF8.self))
                    })
                let rows = try Row.fetchAll(db, sql: "SELECT id, labels FROM series ORDER BY id").map { row in
                    (row[0] as Int64, [UInt8](row[1] as Data))
                }
                return (table, rows)
            }
        } catch {
            throw .io("cannot read the series catalog: \(error)")
        }
        symbols.withLock { symbols in
            // The smallest id keeps a text found twice, whichever order the table is read in.
            for (id, text) in table.sorted(by: { $0.key > $1.key }) { symbols.ids[ExactString(text)] = id }
            symbols.nextID = (table.keys.max() ?? 0) + 1
        }
        var series: [(id: Int64, labels: Labels)] = []
        series.reserveCapacity(rows.count)
        for (id, bytes) in rows {
            var position = 0
            var pairs: [Label] = []
            while position < bytes.count {
                guard let name = Varint.read(bytes, &position), let value = Varint.read(bytes, &position),
                    let nameText = table[Int64(name)], let valueText = table[Int64(value)]
                else {
                    throw .io("corrupt label set of series \(id) in the series catalog")
                }
                pairs.append(Label(nameText, valueText))
            }
            series.append((id, Labels(pairs)))
        }
        return series
    }

    func close() {
        try? database.close()
    }

    /// Every family's descriptions, oldest first.
    func loadMetadata() throws(StorageError) -> [String: [MetricMetadata]] {
        do {
            return try database.read { db in
                var metadata: [String: [MetricMetadata]] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT metric, type, help, unit FROM metadata ORDER BY metric, position") {
                    let type = MetricType(rawValue: row[1]) ?? .unknown
                    metadata[row[0], default: []].append(MetricMetadata(type: type, help: row[2], unit: row[3]))
                }
                return metadata
            }
        } catch {
            throw .io("cannot read metric metadata from the series catalog: \(error)")
        }
    }

    /// Replaces the descriptions of each family in `metadata`.
    func saveMetadata(_ metadata: [String: [MetricMetadata]]) throws(StorageError) {
        do {
            try database.write { db in
                for (metric, descriptions) in metadata {
                    try db.execute(sql: "DELETE FROM metadata WHERE metric = ?", arguments: [metric])
                    for (position, description) in descriptions.enumerated() {
                        try db.execute(
                            sql: "INSERT INTO metadata (metric, position, type, help, unit) VALUES (?, ?, ?, ?, ?)",
                            arguments: [metric, position, description.type.rawValue, description.help, description.unit])
                    }
                }
            }
        } catch {
            throw .io("cannot write metric metadata to the series catalog: \(error)")
        }
    }

    /// Stores new series in one transaction; durable against a crash of the process once it returns.
    func insert(_ series: [(id: Int64, labels: Labels)]) throws(StorageError) {
        guard !series.isEmpty else { return }
        do {
            try symbols.withLock { symbols in
                var added: [(ExactString, Int64)] = []
                let firstNewID = symbols.nextID
                func symbol(_ text: String) -> Int64 {
                    let key = ExactString(text)
                    if let id = symbols.ids[key] { return id }
                    let id = symbols.nextID
                    symbols.nextID += 1
                    symbols.ids[key] = id
                    added.append((key, id))
                    return id
                }
                let encoded = series.map { entry in
                    var bytes: [UInt8] = []
                    for label in entry.labels {
                        Varint.append(UInt64(symbol(label.name)), to: &bytes)
                        Varint.append(UInt64(symbol(label.value)), to: &bytes)
                    }
                    return (entry.id, bytes)
                }
                do {
                    try database.write { db in
                        let addSymbol = try db.cachedStatement(sql: "INSERT INTO symbols (id, text) VALUES (?, ?)")
                        for (key, id) in added { try addSymbol.execute(arguments: [id, Data(key.text.utf8)]) }
                        let addSeries = try db.cachedStatement(sql: "INSERT OR IGNORE INTO series (id, labels) VALUES (?, ?)")
                        for (id, bytes) in encoded { try addSeries.execute(arguments: [id, Data(bytes)]) }
                    }
                } catch {
                    // Nothing was stored: forget the symbols too, so their ids are handed out again.
                    for (key, _) in added { symbols.ids[key] = nil }
                    symbols.nextID = firstNewID
                    throw error
                }
            }
        } catch {
            throw .io("cannot write to the series catalog: \(error)")
        }
    }
}
