import Foundation
import GRDB
import OspreyModel
import OspreyStorage

/// Recompression of settled data: chunks as the head cut them (Gorilla, about 1.6 bytes a sample)
/// become cold groups (decimal deltas or Gorilla, many series to one zlib stream, about 0.45).
///
/// Each run over a shard turns the chunks older than its cutoff into one new generation of groups,
/// splitting a chunk that spans the cutoff. Small generations compress worse and cost a lookup
/// each, so a new one takes in the newest generations that are not much larger than it, as a
/// binary counter carries: every sample is rewritten about log2(generations) times. Once a
/// window has ended before the cutoff, all of it merges into one generation.
extension ShardSet {
    /// A generation's samples of some series, and the highest chunk sequence merged into it.
    struct ColdSamples {
        var generation: Int64
        var sequence: Int64
        var samples: [Int64: [Sample]]
    }

    /// Recompresses, in every shard, the chunks whose samples are older than `cutoff`, and merges
    /// the shards whose window ended before `windowCutoff` into one generation each.
    /// Returns how many samples lost to a later write of their timestamp the merges found.
    @discardableResult
    func recompress(before cutoff: Timestamp, mergingWindowsEndedBefore windowCutoff: Timestamp) throws(StorageError) -> Int {
        var replaced = 0
        for start in windows() where start < cutoff {
            guard let pool = try pool(start, create: false) else { continue }
            do {
                let ended = start &+ window <= windowCutoff
                let rewritten = try pool.write { db in
                    try Self.recompress(db, before: ended ? .max : cutoff, mergingAll: ended, replaced: &replaced)
                }
                guard rewritten else { continue }
                // Freed pages are reused by later chunks; a file mostly free after a large
                // rewrite (an import, the end of a window) is given back to the disk.
                let (free, pages) = try pool.read { db in
                    (try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0, try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0)
                }
                if free * 4 > pages {
                    try pool.writeWithoutTransaction { db in
                        try db.execute(sql: "VACUUM")
                        try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
                    }
                }
            } catch {
                throw .io("cannot recompress shard \(path(start)): \(error)")
            }
        }
        return replaced
    }

    /// One shard's recompression, in one transaction; false when there was nothing to do.
    private static func recompress(_ db: Database, before cutoff: Timestamp, mergingAll: Bool, replaced: inout Int) throws -> Bool {
        let loose = try Row.fetchAll(
            db, sql: "SELECT rowid, series_id, min_t, max_t, seq, encoding, data FROM chunks WHERE min_t < ?", arguments: [cutoff])
        guard !loose.isEmpty || mergingAll else { return false }
        let generations = try Row.fetchAll(
            db, sql: "SELECT generation, SUM(LENGTH(data)) FROM cold_groups GROUP BY generation ORDER BY generation"
        ).map { (id: $0[0] as Int64, bytes: $0[1] as Int) }
        guard !loose.isEmpty || (mergingAll && generations.count > 1) else { return false }

        var merged: Set<Int64> = []
        if mergingAll {
            merged = Set(generations.map(\.id))
        } else {
            // Gorilla chunks shrink about threefold into groups.
            var bytes = loose.reduce(0) { $0 + ($1[6] as Data).count } / 3
            for generation in generations.reversed() {
                guard generation.bytes <= 2 * bytes else { break }
                merged.insert(generation.id)
                bytes += generation.bytes
            }
        }

        var sources: [Int64: [(sequence: Int64, samples: [Sample])]] = [:]
        var sequence: Int64 = 0
        for generation in try coldSamples(db, of: nil, inGenerations: merged) {
            sequence = max(sequence, generation.sequence)
            for (id, samples) in generation.samples { sources[id, default: []].append((generation.sequence, samples)) }
        }
        let reinsert = try db.cachedStatement(
            sql: "INSERT INTO chunks (series_id, min_t, max_t, seq, encoding, data) VALUES (?, ?, ?, ?, ?, ?)")
        var rowIDs: [Int64] = []
        for row in loose {
            let record = ChunkRecord(
                seriesID: row[1], minTime: row[2], maxTime: row[3], sequence: row[4],
                encoding: ChunkRecord.Encoding(rawValue: row[5]) ?? .xor, data: [UInt8](row[6] as Data))
            rowIDs.append(row[0])
            sequence = max(sequence, record.sequence)
            var samples = try record.samples()
            if record.maxTime >= cutoff {
                // The part at and after the cutoff stays a chunk, under the same sequence.
                let split = samples.firstIndex { $0.timestamp >= cutoff } ?? samples.count
                let rest = Array(samples[split...])
                samples.removeSubrange(split...)
                if let first = rest.first, let last = rest.last {
                    try reinsert.execute(arguments: [
                        record.seriesID, first.timestamp, last.timestamp, record.sequence, ChunkRecord.Encoding.xor.rawValue,
                        Data(XORChunkEncoder(samples: rest).bytes),
                    ])
                }
            }
            sources[record.seriesID, default: []].append((record.sequence, samples))
        }
        let delete = try db.cachedStatement(sql: "DELETE FROM chunks WHERE rowid = ?")
        for rowID in rowIDs { try delete.execute(arguments: [rowID]) }
        for generation in merged {
            try db.execute(sql: "DELETE FROM cold_groups WHERE generation = ?", arguments: [generation])
        }

        let number = (generations.map(\.id).max() ?? -1) + 1
        let insert = try db.cachedStatement(
            sql: "INSERT INTO cold_groups (generation, first_series, last_series, min_t, max_t, seq, data) VALUES (?, ?, ?, ?, ?, ?, ?)")
        var group = ColdGroup()
        var range = (min: Int64.max, max: Int64.min)
        func writeGroup() throws {
            guard let first = group.members.first, let last = group.members.last else { return }
            try insert.execute(arguments: [
                number, first.seriesID, last.seriesID, range.min, range.max, sequence, Data(group.deflated()),
            ])
            group = ColdGroup()
            range = (.max, .min)
        }
        for id in sources.keys.sorted() {
            let samples = SampleMerge.merge(sources[id]!, replaced: &replaced)
            guard let first = samples.first, let last = samples.last else { continue }
            group.append(ColdGroup.Member(seriesID: id, samples: samples))
            range = (min(range.min, first.timestamp), max(range.max, last.timestamp))
            if group.rawSize >= ColdGroup.targetBytes { try writeGroup() }
        }
        try writeGroup()
        return true
    }

    /// Samples of the given series (all when nil) from a shard's cold groups, by generation;
    /// with series given, only generations with groups overlapping `minTime ... maxTime`; without,
    /// only the generations in `inGenerations` when given (the others are not inflated).
    static func coldSamples(
        _ db: Database, of wanted: [Int64]?, from minTime: Timestamp = .min, to maxTime: Timestamp = .max,
        inGenerations: Set<Int64>? = nil
    ) throws -> [ColdSamples] {
        guard let wanted else {
            var sql = "SELECT generation, seq, first_series, last_series, data FROM cold_groups"
            if let inGenerations {
                guard !inGenerations.isEmpty else { return [] }
                sql += " WHERE generation IN (\(inGenerations.map(String.init).joined(separator: ",")))"
            }
            var result: [Int64: ColdSamples] = [:]
            for row in try Row.fetchAll(db, sql: sql) {
                let ids = Set((row[2] as Int64)...(row[3] as Int64))
                let samples = try ColdGroup.samples(in: [UInt8](row[4] as Data), of: ids)
                result[row[0], default: ColdSamples(generation: row[0], sequence: row[1], samples: [:])].samples.merge(samples) { $1 }
            }
            return result.keys.sorted().map { result[$0]! }
        }
        let generations = try Row.fetchAll(
            db, sql: "SELECT generation, MAX(seq) FROM cold_groups WHERE min_t <= ? AND max_t >= ? GROUP BY generation ORDER BY generation",
            arguments: [maxTime, minTime])
        let find = try db.cachedStatement(
            sql: "SELECT rowid, last_series FROM cold_groups WHERE generation = ? AND first_series <= ? ORDER BY first_series DESC LIMIT 1")
        let load = try db.cachedStatement(sql: "SELECT data FROM cold_groups WHERE rowid = ?")
        var result: [ColdSamples] = []
        for generation in generations {
            var groups: [Int64: Set<Int64>] = [:]
            for id in wanted {
                guard let row = try Row.fetchOne(find, arguments: [generation[0], id]), (row[1] as Int64) >= id else { continue }
                groups[row[0], default: []].insert(id)
            }
            var found = ColdSamples(generation: generation[0], sequence: generation[1], samples: [:])
            for (rowID, ids) in groups {
                guard let data = try Data.fetchOne(load, arguments: [rowID]) else { continue }
                found.samples.merge(try ColdGroup.samples(in: [UInt8](data), of: ids)) { $1 }
            }
            result.append(found)
        }
        return result
    }
}
