import Foundation
import GRDB
import Logging
import OspreySQLite
import Synchronization

/// The dashboards: those provisioned from files (read-only, reread at each start and reload)
/// and those saved through the API, kept in `dashboards.sqlite` in the data folder.
final class DashboardStore: Sendable {
    struct Entry: Sendable {
        var document: DashboardDocument
        var provisioned: Bool
        /// The file a provisioned dashboard came from.
        var file: String?
        var created: Date
        var updated: Date
    }

    private let database: DatabaseQueue
    private let provisioned: Mutex<[String: Entry]> = Mutex([:])

    init(path: String) throws(DashboardError) {
        do {
            database = try SQLiteFile.open(path, schema: Self.schema)
        } catch {
            throw .storage("cannot open \(path): \(error)")
        }
    }

    private static var schema: DatabaseMigrator {
        var schema = DatabaseMigrator()
        // Files of releases before migrations have this table already.
        schema.registerMigration("v1: dashboards") { db in
            try db.execute(
                sql: """
                    CREATE TABLE IF NOT EXISTS dashboards (
                        uid TEXT PRIMARY KEY,
                        title TEXT NOT NULL,
                        json BLOB NOT NULL,
                        version INTEGER NOT NULL,
                        created REAL NOT NULL,
                        updated REAL NOT NULL
                    )
                    """)
        }
        return schema
    }

    /// Provisions the built-in dashboards (when `builtIn`) and every `*.json` of `folder` (when
    /// not empty), a folder's dashboard replacing a built-in of the same uid. A file that is not a
    /// dashboard is logged and skipped, so one bad file does not hide the others; a folder that is
    /// not there is logged as a warning, as a path relative to the wrong place would otherwise
    /// just show fewer dashboards.
    func provision(builtIn: Bool, folder: String, logger: Logger) {
        var found: [String: Entry] = [:]
        if builtIn {
            for (name, json) in BuiltInDashboards.files {
                do {
                    let document = try DashboardDocument(
                        json: Data(json), fallbackUID: String(name.dropLast(".json".count)), source: "built-in \(name)")
                    found[document.uid] = Entry(
                        document: document.with(version: 1), provisioned: true, file: nil, created: Self.started, updated: Self.started)
                } catch {
                    logger.error("built-in dashboard skipped", metadata: ["file": "\(name)", "error": "\(error)"])
                }
            }
        }
        var fromFolder: Set<String> = []
        var isFolder: ObjCBool = false
        if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) || !isFolder.boolValue {
            logger.warning("dashboards folder not found; its dashboards are not shown", metadata: ["folder": "\(folder)"])
        }
        let files =
            folder.isEmpty ? [] : ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        for name in files {
            let path = folder + "/" + name
            do {
                guard let data = FileManager.default.contents(atPath: path) else { throw DashboardError.invalid("\(path): cannot read the file") }
                let document = try DashboardDocument(
                    json: data, fallbackUID: String(name.dropLast(".json".count)), source: path)
                if !fromFolder.insert(document.uid).inserted {
                    throw DashboardError.invalid("\(path): uid \"\(document.uid)\" is also the uid of \(found[document.uid]?.file ?? "another file")")
                }
                let modified = ((try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date) ?? Date()
                found[document.uid] = Entry(document: document.with(version: 1), provisioned: true, file: path, created: modified, updated: modified)
            } catch {
                logger.error("dashboard file skipped", metadata: ["file": "\(path)", "error": "\(error)"])
            }
        }
        provisioned.withLock { $0 = found }
        logger.info(
            "dashboards provisioned",
            metadata: ["built_in": "\(builtIn)", "folder": "\(folder)", "count": "\(found.count)"])
    }

    /// When the built-in dashboards were made, as far as this process knows: when it started.
    private static let started = Date()

    func entry(uid: String) throws(DashboardError) -> Entry {
        if let entry = provisioned.withLock({ $0[uid] }) { return entry }
        let row: Row?
        do {
            row = try database.read { db in try Row.fetchOne(db, sql: "SELECT * FROM dashboards WHERE uid = ?", arguments: [uid]) }
        } catch {
            throw .storage("\(error)")
        }
        guard let row else { throw .notFound }
        return try Self.entry(row)
    }

    /// Every dashboard, provisioned ones first where a saved one has the same uid, by title.
    func all() throws(DashboardError) -> [Entry] {
        let saved: [Entry]
        do {
            saved = try database.read { db in try Row.fetchAll(db, sql: "SELECT * FROM dashboards") }.map(Self.entry)
        } catch let error as DashboardError {
            throw error
        } catch {
            throw .storage("\(error)")
        }
        let provisioned = self.provisioned.withLock { $0 }
        return (Array(provisioned.values) + saved.filter { provisioned[$0.document.uid] == nil })
            .sorted { $0.document.title.localizedCaseInsensitiveCompare($1.document.title) == .orderedAscending }
    }

    /// Saves a dashboard as Grafana's `POST /api/dashboards/db` does: a new uid is created, a
    /// known one is updated when its `version` is current or `overwrite` is set; provisioned
    /// dashboards are read-only.
    func save(_ document: DashboardDocument, overwrite: Bool) throws(DashboardError) -> Entry {
        if provisioned.withLock({ $0[document.uid] != nil }) { throw .provisioned }
        do {
            return try database.write { db -> Entry in
                let now = Date()
                let existing = try Row.fetchOne(db, sql: "SELECT version, created FROM dashboards WHERE uid = ?", arguments: [document.uid])
                let current: Int? = existing?[0]
                if let current, !overwrite, document.version != current {
                    throw DashboardError.versionMismatch(current: current)
                }
                let saved = document.with(version: (current ?? 0) + 1)
                let created = existing.map { Date(timeIntervalSince1970: $0[1]) } ?? now
                try db.execute(
                    sql: """
                        INSERT INTO dashboards (uid, title, json, version, created, updated) VALUES (?, ?, ?, ?, ?, ?)
                        ON CONFLICT (uid) DO UPDATE SET title = excluded.title, json = excluded.json,
                            version = excluded.version, updated = excluded.updated
                        """,
                    arguments: [saved.uid, saved.title, saved.json, saved.version, created.timeIntervalSince1970, now.timeIntervalSince1970])
                return Entry(document: saved, provisioned: false, file: nil, created: created, updated: now)
            }
        } catch let error as DashboardError {
            throw error
        } catch {
            throw .storage("\(error)")
        }
    }

    /// Deletes a saved dashboard; provisioned ones are read-only.
    func delete(uid: String) throws(DashboardError) {
        if provisioned.withLock({ $0[uid] != nil }) { throw .provisioned }
        let deleted: Bool
        do {
            deleted = try database.write { db in
                try db.execute(sql: "DELETE FROM dashboards WHERE uid = ?", arguments: [uid])
                return db.changesCount > 0
            }
        } catch {
            throw .storage("\(error)")
        }
        if !deleted { throw .notFound }
    }

    private static func entry(_ row: Row) throws(DashboardError) -> Entry {
        let json: Data = row["json"]
        let uid: String = row["uid"]
        var document = try DashboardDocument(json: json, fallbackUID: uid, source: "stored dashboard \(uid)")
        document.version = row["version"]
        return Entry(
            document: document, provisioned: false, file: nil, created: Date(timeIntervalSince1970: row["created"]),
            updated: Date(timeIntervalSince1970: row["updated"]))
    }
}
