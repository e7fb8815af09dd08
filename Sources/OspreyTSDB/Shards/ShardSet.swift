import Foundation
import GRDB
import OspreyModel
import OspreySQLite
import OspreyStorage

/// The metrics' shard files (see `ShardFiles`): chunks as BLOB rows keyed by series and time,
/// and the cold groups they are recompressed into (`ShardSchema`).
final class ShardSet: Sendable {
    let files: ShardFiles
    var window: Int64 { files.window }

    init(folder: String, window: Duration) throws(StorageError) {
        do {
            files = try ShardFiles(folder: folder, window: window, schema: ShardSchema.migrator)
        } catch {
            throw .io("\(error)")
        }
    }

    func windowStart(of timestamp: Timestamp) -> Int64 { files.windowStart(of: timestamp) }
    func windows() -> [Int64] { files.windows() }
    func path(_ start: Int64) -> String { files.path(start) }

    func pool(_ start: Int64, create: Bool) throws(StorageError) -> DatabasePool? {
        do {
            return try files.pool(start, create: create)
        } catch {
            throw .io("\(error)")
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

    @discardableResult
    func deleteShards(endingBefore cutoff: Timestamp) -> Int { files.deleteShards(endingBefore: cutoff) }
    func sizes() -> [Int64: Int64] { files.sizes() }
    func close() { files.close() }
}
