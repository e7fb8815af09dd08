import Foundation
import OspreyModel
import OspreyTSDB
import Testing

/// Committed samples survive a storage that is dropped without `close()` (no checkpoint): the
/// write-ahead log is replayed; a torn record at its end is cut off.
@Suite struct WALReplayTests {
    static let options = StorageOptions(samplesPerChunk: 16)

    /// Writes `batches` commits of 3 series × 10 samples from `start`, returns what was written.
    private func writeBatches(_ storage: MetricsStorage, from start: Timestamp, batches: Range<Int>) throws -> [Labels: [Sample]] {
        var written: [Labels: [Sample]] = [:]
        for batch in batches {
            var appender = storage.appender()
            for series in 0..<3 {
                let labels = labelSet("wal_replay", ["series": "\(series)"])
                for index in 0..<10 {
                    let n = batch * 10 + index
                    let value = series == 2 && n % 5 == 0 ? Double.nan : Double(n * (series + 1))
                    let sample = Sample(timestamp: start + Int64(n) * 1000, value: value)
                    try appender.append(labels, timestamp: sample.timestamp, value: sample.value)
                    written[labels, default: []].append(sample)
                }
            }
            try appender.commit()
        }
        return written
    }

    private func merged(_ a: [Labels: [Sample]], _ b: [Labels: [Sample]]) -> [Labels: [Sample]] {
        a.merging(b) { $0 + $1 }
    }

    private func walSegments(_ path: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path + "/wal").filter { Int($0) != nil }.sorted()
    }

    private func size(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? -1
    }

    @Test func replayWithoutCheckpoint() throws {
        try withDataFolder { path in
            let start = recentTime()
            var expected: [Labels: [Sample]] = [:]
            do {
                let storage = try MetricsStorage(path: path, options: Self.options)
                expected = try writeBatches(storage, from: start, batches: 0..<5)
                // Some of it in shards already, some only in the WAL and the head.
                try storage.flushPending()
                // Out-of-order and a replacement, to replay too.
                try storage.write(labelSet("wal_replay", ["series": "0"]), [Sample(timestamp: start + 5000, value: -5)])
                expected[labelSet("wal_replay", ["series": "0"])]![5] = Sample(timestamp: start + 5000, value: -5)
                #expect(try storage.samples([.equal("__name__", "wal_replay")]) == expected)
                // No close(): the storage is dropped here.
            }
            #expect(try walSegments(path).count >= 1)
            do {
                let storage = try MetricsStorage(path: path, options: Self.options)
                #expect(try storage.samples([.equal("__name__", "wal_replay")]) == expected, "replayed once")
                #expect(storage.statistics().headSamples > 0, "the samples came back through the WAL into the head")
                expected = merged(expected, try writeBatches(storage, from: start, batches: 5..<7))
            }
            // Replayed twice (two segments now), then checkpointed by close.
            let storage = try MetricsStorage(path: path, options: Self.options)
            #expect(try storage.samples([.equal("__name__", "wal_replay")]) == expected, "replayed twice")
            try storage.close()
            let reopened = try MetricsStorage(path: path, options: Self.options)
            #expect(try reopened.samples([.equal("__name__", "wal_replay")]) == expected, "after close")
            #expect(reopened.statistics().headSamples == 0, "close left nothing to replay")
            try reopened.close()
        }
    }

    /// The once-a-second sync forces a duplicate of the segment's descriptor outside the lock:
    /// the log it leaves, across a checkpoint that starts a new segment, replays whole, and a
    /// large batch's record (grown many times while staged) with it.
    @Test func syncedBatchesAcrossACheckpointReplay() throws {
        try withDataFolder { path in
            let start = recentTime()
            var expected: [Labels: [Sample]] = [:]
            do {
                let storage = try MetricsStorage(path: path, options: Self.options)
                expected = try writeBatches(storage, from: start, batches: 0..<2)
                try storage.syncWAL()
                try storage.syncWAL()
                try storage.checkpoint()
                expected = merged(expected, try writeBatches(storage, from: start, batches: 2..<4))
                var appender = storage.appender()
                let big = labelSet("wal_replay", ["series": "big"])
                for index in 0..<200_000 {
                    let sample = Sample(timestamp: start + Int64(index), value: Double(index))
                    try appender.append(big, timestamp: sample.timestamp, value: sample.value)
                    expected[big, default: []].append(sample)
                }
                try appender.commit()
                try storage.syncWAL()
                // No close(): the storage is dropped here.
            }
            let storage = try MetricsStorage(path: path, options: Self.options)
            #expect(try storage.samples([.equal("__name__", "wal_replay")]) == expected)
            try storage.close()
        }
    }

    static let tails: [[UInt8]] = [
        [0x10, 0, 0, 0, 0xDE, 0xAD, 0xBE, 0xEF, 1, 2, 3],  // a header promising more than follows
        [0x03, 0, 0, 0, 0xDE, 0xAD, 0xBE, 0xEF, 1, 2, 3],  // a whole record with a bad checksum
        [0x01, 0x02, 0x03],  // less than a header
        [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0],  // an absurd length
        [UInt8](repeating: 0, count: 64),  // zeros, as a file extended but never written
    ]

    @Test(arguments: tails)
    func tornTail(garbage: [UInt8]) throws {
        try withDataFolder { path in
            let start = recentTime()
            var expected: [Labels: [Sample]] = [:]
            do {
                let storage = try MetricsStorage(path: path, options: Self.options)
                expected = try writeBatches(storage, from: start, batches: 0..<4)
            }
            let segment = path + "/wal/" + (try #require(try walSegments(path).last))
            let goodSize = try size(segment)
            #expect(goodSize > 0)
            let handle = try #require(FileHandle(forWritingAtPath: segment))
            handle.seekToEndOfFile()
            handle.write(Data(garbage))
            try handle.close()

            do {
                let storage = try MetricsStorage(path: path, options: Self.options)
                #expect(try storage.samples([.equal("__name__", "wal_replay")]) == expected)
                // The torn record is cut off. (Zeros read as empty records, which are harmless.)
                if garbage.contains(where: { $0 != 0 }) {
                    #expect(try size(segment) == goodSize)
                }
                expected = merged(expected, try writeBatches(storage, from: start, batches: 4..<6))
            }
            let storage = try MetricsStorage(path: path, options: Self.options)
            #expect(try storage.samples([.equal("__name__", "wal_replay")]) == expected)
            try storage.close()
        }
    }

    /// A record torn in the middle of its payload loses that batch only, whole.
    @Test func truncatedLastRecordLosesOnlyThatBatch() throws {
        try withDataFolder { path in
            let start = recentTime()
            var expected: [Labels: [Sample]] = [:]
            let segment: String
            let sizeBeforeLast: Int
            do {
                let storage = try MetricsStorage(path: path, options: Self.options)
                expected = try writeBatches(storage, from: start, batches: 0..<3)
                segment = path + "/wal/" + (try #require(try walSegments(path).last))
                sizeBeforeLast = try size(segment)
                _ = try writeBatches(storage, from: start, batches: 3..<4)
            }
            let fullSize = try size(segment)
            #expect(fullSize > sizeBeforeLast)
            #expect(truncate(segment, off_t(fullSize - 5)) == 0)
            let storage = try MetricsStorage(path: path, options: Self.options)
            #expect(try storage.samples([.equal("__name__", "wal_replay")]) == expected)
            try storage.close()
        }
    }
}

/// A graceful close leaves nothing to replay: everything is in the shards, the log is empty.
@Suite struct GracefulCloseTests {
    @Test func closeCheckpointsSoAReopenReplaysNothing() throws {
        try withDataFolder { path in
            let storage = try MetricsStorage(path: path)
            let series = labelSet("closed_metric", ["job": "x"])
            let t = recentTime()
            try storage.write(series, (0..<100).map { Sample(timestamp: t + Int64($0) * 1000, value: Double($0)) })
            #expect(storage.statistics().walBytes > 0)
            try storage.close()

            let reopened = try MetricsStorage(path: path)
            #expect(reopened.statistics().walBytes == 0)
            #expect(reopened.statistics().headSamples == 0)
            #expect(try reopened.samples(of: series).count == 100)
            try reopened.close()
        }
    }
}
