import Foundation
import GRDB
import OspreyModel
import Synchronization

/// The shard files: one SQLite database per time window (`shards/<window start ms>.sqlite`),
/// chunks as BLOB rows keyed by series and time. Retention deletes whole files.
final class ShardSet: Sendable {
    private let folder: String
    private let window: Int64
    private let pools = Mutex<[Int64: DatabasePool]>([:])

    init(folder: String, window: Duration) throws(StorageError) {
        self.folder = folder
        self.window = max(window.milliseconds, 1)
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw .io("cannot create shard folder \(folder): \(error.localizedDescription)")
        }
    }

    /// Start of the window holding `timestamp`.
    func windowStart(of timestamp: Timestamp) -> Int64 {
        let (quotient, remainder) = timestamp.quotientAndRemainder(dividingBy: window)
        return (remainder < 0 ? quotient - 1 : quotient) &* window
    }

    /// Windows with a shard file, oldest first.
    func windows() -> [Int64] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.compactMap { name in
            name.hasSuffix(".sqlite") ? Int64(name.dropLast(".sqlite".count)) : nil
        }.sorted()
    }

    private func path(_ start: Int64) -> String { "\(folder)/\(start).sqlite" }

    private func pool(_ start: Int64, create: Bool) throws(StorageError) -> DatabasePool? {
        if let open = pools.withLock({ $0[start] }) { return open }
        let path = path(start)
        guard create || FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            var configuration = Configuration()
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
            }
            let pool = try DatabasePool(path: path, configuration: configuration)
            try pool.write { db in
                try db.execute(
                    sql: """
                        CREATE TABLE IF NOT EXISTS chunks (
                            series_id INTEGER NOT NULL, min_t INTEGER NOT NULL, max_t INTEGER NOT NULL,
                            seq INTEGER NOT NULL, encoding INTEGER NOT NULL, data BLOB NOT NULL);
                        CREATE INDEX IF NOT EXISTS chunks_by_series ON chunks (series_id, min_t);
                        """)
            }
            return pools.withLock { pools in
                if let raced = pools[start] { return raced }
                pools[start] = pool
                return pool
            }
        } catch {
            throw .io("cannot open shard \(path): \(error)")
        }
    }

    /// Writes chunks, each into the shard of its window, one transaction per shard.
    func write(_ chunks: [ChunkRecord]) throws(StorageError) {
        let byWindow = Dictionary(grouping: chunks) { windowStart(of: $0.minTime) }
        for (start, records) in byWindow {
            guard let pool = try pool(start, create: true) else { continue }
            do {
                try pool.write { db in
                    let statement = try db.cachedStatement(
                        sql: "INSERT INTO chunks (series_id, min_t, max_t, seq, encoding, data) VALUES (?, ?, ?, ?, ?, ?)")
                    for record in records {
                        try statement.execute(arguments: [
                            record.seriesID, record.minTime, record.maxTime, record.sequence, record.encoding.rawValue,
                            Data(record.data),
                        ])
                    }
                }
            } catch {
                throw .io("cannot write to shard \(path(start)): \(error)")
            }
        }
    }

    /// Chunks of the given series that overlap `minTime ... maxTime`.
    func read(_ seriesIDs: [Int64], minTime: Timestamp, maxTime: Timestamp) throws(StorageError) -> [Int64: [ChunkRecord]] {
        var result: [Int64: [ChunkRecord]] = [:]
        guard !seriesIDs.isEmpty, minTime <= maxTime else { return result }
        // A chunk starts in its window but may not end there (out-of-order chunks are split by
        // window, in-order ones are cut at window ends), so only windows overlapping the range count.
        let first = windowStart(of: minTime)
        for start in windows() where start >= first && start <= maxTime {
            guard let pool = try pool(start, create: false) else { continue }
            do {
                try pool.read { db in
                    let statement = try db.cachedStatement(
                        sql: "SELECT min_t, max_t, seq, encoding, data FROM chunks WHERE series_id = ? AND min_t <= ? AND max_t >= ?")
                    for id in seriesIDs {
                        let rows = try Row.fetchCursor(statement, arguments: [id, maxTime, minTime])
                        while let row = try rows.next() {
                            let encoding = ChunkRecord.Encoding(rawValue: row[3]) ?? .xor
                            result[id, default: []].append(
                                ChunkRecord(
                                    seriesID: id, minTime: row[0], maxTime: row[1], sequence: row[2], encoding: encoding,
                                    data: [UInt8](row[4] as Data)))
                        }
                    }
                }
            } catch {
                throw .io("cannot read shard \(path(start)): \(error)")
            }
        }
        return result
    }

    /// Per series, the newest timestamp stored, and the highest out-of-order sequence in use.
    func newestTimes() throws(StorageError) -> (times: [Int64: Timestamp], sequence: Int64) {
        var times: [Int64: Timestamp] = [:]
        var sequence: Int64 = 0
        for start in windows() {
            guard let pool = try pool(start, create: false) else { continue }
            do {
                try pool.read { db in
                    for row in try Row.fetchAll(db, sql: "SELECT series_id, MAX(max_t), MAX(seq) FROM chunks GROUP BY series_id") {
                        let id: Int64 = row[0]
                        let newest: Int64 = row[1]
                        times[id] = max(times[id] ?? .min, newest)
                        sequence = max(sequence, row[2])
                    }
                }
            } catch {
                throw .io("cannot read shard \(path(start)): \(error)")
            }
        }
        return (times, sequence)
    }

    /// Deletes the shards whose whole window is older than `cutoff`; returns how many.
    @discardableResult
    func deleteShards(endingBefore cutoff: Timestamp) -> Int {
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

    /// Rewrites the shards whose window ended before `cutoff` ("cold"): each series' chunks merged
    /// into one, the newest value winning per timestamp, Gorilla-encoded then deflated; then the
    /// file is vacuumed so the freed pages leave the disk.
    func compact(windowsEndingBefore cutoff: Timestamp) throws(StorageError) {
        for start in windows() where start &+ window <= cutoff {
            guard let pool = try pool(start, create: false) else { continue }
            do {
                let alreadyCompact = try pool.read { db in
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM chunks WHERE encoding != ?", arguments: [ChunkRecord.Encoding.xorDeflated.rawValue]) == 0
                }
                if alreadyCompact { continue }
                try pool.write { db in
                    let ids = try Int64.fetchAll(db, sql: "SELECT DISTINCT series_id FROM chunks ORDER BY series_id")
                    let select = try db.cachedStatement(
                        sql: "SELECT min_t, max_t, seq, encoding, data FROM chunks WHERE series_id = ?")
                    var merged: [ChunkRecord] = []
                    for id in ids {
                        var records: [ChunkRecord] = []
                        for row in try Row.fetchAll(select, arguments: [id]) {
                            records.append(
                                ChunkRecord(
                                    seriesID: id, minTime: row[0], maxTime: row[1], sequence: row[2],
                                    encoding: ChunkRecord.Encoding(rawValue: row[3]) ?? .xor, data: [UInt8](row[4] as Data)))
                        }
                        let samples = try SampleMerge.merge(records.map { ($0.sequence, try $0.samples()) })
                        guard let first = samples.first, let last = samples.last else { continue }
                        let encoded = XORChunkEncoder(samples: samples).bytes
                        merged.append(
                            ChunkRecord(
                                seriesID: id, minTime: first.timestamp, maxTime: last.timestamp, sequence: 0,
                                encoding: .xorDeflated, data: ChunkCompression.deflate(encoded)))
                    }
                    try db.execute(sql: "DELETE FROM chunks")
                    let insert = try db.cachedStatement(
                        sql: "INSERT INTO chunks (series_id, min_t, max_t, seq, encoding, data) VALUES (?, ?, ?, ?, ?, ?)")
                    for record in merged {
                        try insert.execute(arguments: [
                            record.seriesID, record.minTime, record.maxTime, record.sequence, record.encoding.rawValue,
                            Data(record.data),
                        ])
                    }
                }
                try pool.writeWithoutTransaction { db in
                    try db.execute(sql: "VACUUM")
                    try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
                }
            } catch {
                throw .io("cannot compact shard \(path(start)): \(error)")
            }
        }
    }

    /// Bytes of each shard's files (database, WAL and shared memory), by window start.
    func sizes() -> [Int64: Int64] {
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
    func close() {
        let open = pools.withLock { pools in
            defer { pools.removeAll() }
            return Array(pools.values)
        }
        for pool in open {
            try? pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
            try? pool.close()
        }
    }
}
