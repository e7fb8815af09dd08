import Foundation
import GRDB
import OspreyModel
import Synchronization

/// The shard files: one SQLite database per time window (`shards/<window start ms>.sqlite`),
/// chunks as BLOB rows keyed by series and time. Retention deletes whole files.
final class ShardSet: Sendable {
    private let folder: String
    let window: Int64
    private let pools = Mutex<[Int64: DatabasePool]>([:])
    /// Held while a shard is opened, so that one file is never opened by two pools at once.
    private let opening = Mutex<Void>(())

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
        // Near Int64.min (a query from the beginning of time) the start would overflow.
        let (start, overflow) = (remainder < 0 ? quotient - 1 : quotient).multipliedReportingOverflow(by: window)
        return overflow ? .min : start
    }

    /// Windows with a shard file, oldest first.
    func windows() -> [Int64] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.compactMap { name in
            name.hasSuffix(".sqlite") ? Int64(name.dropLast(".sqlite".count)) : nil
        }.sorted()
    }

    func path(_ start: Int64) -> String { "\(folder)/\(start).sqlite" }

    /// The shard of window `start`; nil when it has no file and `create` is false.
    func pool(_ start: Int64, create: Bool) throws(StorageError) -> DatabasePool? {
        if let open = pools.withLock({ $0[start] }) { return open }
        // Two pools opening the same file at once collide on its write lock (SQLITE_BUSY while
        // creating the tables), as a select and the first flush into a new window would.
        return try opening.withLock { _ throws(StorageError) -> DatabasePool? in
            if let open = pools.withLock({ $0[start] }) { return open }
            return try openPool(start, create: create)
        }
    }

    private func openPool(_ start: Int64, create: Bool) throws(StorageError) -> DatabasePool? {
        let path = path(start)
        guard create || FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            let pool = try SQLiteFile.openPool(path, durability: .checkpointed, schema: ShardSchema.migrator)
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
                    for generation in try Self.coldSamples(db, of: seriesIDs, from: minTime, to: maxTime) {
                        for (id, samples) in generation.samples {
                            let inRange = samples.filter { $0.timestamp >= minTime && $0.timestamp <= maxTime }
                            guard let first = inRange.first, let last = inRange.last else { continue }
                            result[id, default: []].append(
                                ChunkRecord(
                                    seriesID: id, minTime: first.timestamp, maxTime: last.timestamp, sequence: generation.sequence,
                                    encoding: .decimal, data: [], decoded: inRange))
                        }
                    }
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

    /// Per series, the oldest and newest timestamps stored, and the highest out-of-order
    /// sequence in use.
    func timeSpans() throws(StorageError) -> (spans: [Int64: (oldest: Timestamp, newest: Timestamp)], sequence: Int64) {
        var spans: [Int64: (oldest: Timestamp, newest: Timestamp)] = [:]
        func widen(_ id: Int64, _ oldest: Timestamp, _ newest: Timestamp) {
            let span = spans[id] ?? (.max, .min)
            spans[id] = (min(span.oldest, oldest), max(span.newest, newest))
        }
        var sequence: Int64 = 0
        for start in windows() {
            guard let pool = try pool(start, create: false) else { continue }
            do {
                try pool.read { db in
                    for generation in try Self.coldSamples(db, of: nil) {
                        sequence = max(sequence, generation.sequence)
                        for (id, samples) in generation.samples {
                            if let first = samples.first, let last = samples.last { widen(id, first.timestamp, last.timestamp) }
                        }
                    }
                    for row in try Row.fetchAll(
                        db, sql: "SELECT series_id, MIN(min_t), MAX(max_t), MAX(seq) FROM chunks GROUP BY series_id")
                    {
                        widen(row[0], row[1], row[2])
                        sequence = max(sequence, row[3])
                    }
                }
            } catch {
                throw .io("cannot read shard \(path(start)): \(error)")
            }
        }
        return (spans, sequence)
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
