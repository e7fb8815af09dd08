import Foundation
import GRDB
import OspreyModel

/// The series catalog on disk (`catalog.sqlite`): every series id and its labels. The postings
/// are rebuilt in memory from it at start.
final class CatalogStore: Sendable {
    private let database: DatabaseQueue

    init(path: String) throws(StorageError) {
        do {
            var configuration = Configuration()
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL")
            }
            database = try DatabaseQueue(path: path, configuration: configuration)
            try database.write { db in
                try db.execute(sql: "CREATE TABLE IF NOT EXISTS series (id INTEGER PRIMARY KEY, labels BLOB NOT NULL)")
            }
        } catch {
            throw .io("cannot open the series catalog \(path): \(error)")
        }
    }

    func load() throws(StorageError) -> [(id: Int64, labels: Labels)] {
        let rows: [(Int64, [UInt8])]
        do {
            rows = try database.read { db in
                try Row.fetchAll(db, sql: "SELECT id, labels FROM series ORDER BY id").map { row in
                    (row[0] as Int64, [UInt8](row[1] as Data))
                }
            }
        } catch {
            throw .io("cannot read the series catalog: \(error)")
        }
        var series: [(id: Int64, labels: Labels)] = []
        series.reserveCapacity(rows.count)
        for (id, bytes) in rows {
            series.append((id, try LabelsCodec.decode(bytes)))
        }
        return series
    }

    /// Stores new series in one transaction; durable against a crash of the process once it returns.
    func insert(_ series: [(id: Int64, labels: Labels)]) throws(StorageError) {
        guard !series.isEmpty else { return }
        do {
            try database.write { db in
                let statement = try db.cachedStatement(sql: "INSERT OR IGNORE INTO series (id, labels) VALUES (?, ?)")
                for (id, labels) in series {
                    try statement.execute(arguments: [id, Data(LabelsCodec.encode(labels))])
                }
            }
        } catch {
            throw .io("cannot write to the series catalog: \(error)")
        }
    }
}
