import Foundation
import GRDB
import OspreyModel
import Synchronization

/// The series catalog on disk (`catalog.sqlite`): every series id and its labels, and each
/// metric family's metadata. Label names
/// and values are stored once each in `symbols` and series refer to them by number, since the
/// same few strings (`job`, `instance`, host names) recur across thousands of series. The
/// postings are rebuilt in memory from it at start.
final class CatalogStore: Sendable {
    private let database: DatabaseQueue
    /// Every symbol's id, loaded at start and kept current by `insert`.
    private let symbols = Mutex<[String: Int64]>([:])

    init(path: String) throws(StorageError) {
        do {
            database = try SQLiteFile.open(path, durability: .checkpointed)
            try database.write { db in
                try db.execute(
                    sql: """
                        CREATE TABLE IF NOT EXISTS symbols (id INTEGER PRIMARY KEY, text TEXT NOT NULL);
                        CREATE TABLE IF NOT EXISTS series (id INTEGER PRIMARY KEY, labels BLOB NOT NULL);
                        CREATE TABLE IF NOT EXISTS metadata (
                            metric TEXT NOT NULL, position INTEGER NOT NULL,
                            type TEXT NOT NULL, help TEXT NOT NULL, unit TEXT NOT NULL,
                            PRIMARY KEY (metric, position));
                        """)
            }
        } catch {
            throw .io("cannot open the series catalog \(path): \(error)")
        }
    }

    func load() throws(StorageError) -> [(id: Int64, labels: Labels)] {
        let rows: [(Int64, [UInt8])]
        let table: [Int64: String]
        do {
            (table, rows) = try database.read { db in
                let table = Dictionary(
                    uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT id, text FROM symbols").map { ($0[0] as Int64, $0[1] as String) })
                let rows = try Row.fetchAll(db, sql: "SELECT id, labels FROM series ORDER BY id").map { row in
                    (row[0] as Int64, [UInt8](row[1] as Data))
                }
                return (table, rows)
            }
        } catch {
            throw .io("cannot read the series catalog: \(error)")
        }
        symbols.withLock { symbols in
            for (id, text) in table { symbols[text] = id }
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
                var added: [(String, Int64)] = []
                func symbol(_ text: String) -> Int64 {
                    if let id = symbols[text] { return id }
                    let id = Int64(symbols.count + 1)
                    symbols[text] = id
                    added.append((text, id))
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
                        for (text, id) in added { try addSymbol.execute(arguments: [id, text]) }
                        let addSeries = try db.cachedStatement(sql: "INSERT OR IGNORE INTO series (id, labels) VALUES (?, ?)")
                        for (id, bytes) in encoded { try addSeries.execute(arguments: [id, Data(bytes)]) }
                    }
                } catch {
                    // Nothing was stored: forget the symbols too, so their ids are handed out again.
                    for (text, _) in added { symbols[text] = nil }
                    throw error
                }
            }
        } catch {
            throw .io("cannot write to the series catalog: \(error)")
        }
    }
}
