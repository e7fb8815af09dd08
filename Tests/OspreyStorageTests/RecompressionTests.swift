import Foundation
import GRDB
import OspreyModel
import OspreyTSDB
import OspreyTestSupport
import Testing

/// Chunks are recompressed once their data is over an hour old, whatever the shard window: in the
/// background and on a graceful stop. Reads answer the same throughout, and a later write still
/// wins over what was recompressed.
@Suite struct RecompressionTests {
    static let hour: Int64 = 3_600_000
    static let step: Int64 = 15_000

    /// 40 series, one sample every 15 s over `hours` hours ending at `end`, with values of the
    /// kinds real exporters give (integer counters, two-decimal gauges, an irregular float).
    static func load(_ storage: MetricsStorage, hours: Int64, end: Timestamp) throws -> [Labels: [Sample]] {
        var expected: [Labels: [Sample]] = [:]
        var appender = storage.appender()
        var time = end - hours * hour + step
        var tick = 0
        while time <= end {
            for index in 0..<40 {
                let labels = labelSet("recompression_\(index % 4)", ["instance": "host-\(index)"])
                let value: Double
                switch index % 4 {
                case 0: value = Double(tick * (index + 1))
                case 1: value = (Double((tick * 7 + index) % 1000) / 100).rounded(toPlaces: 2)
                case 2: value = sin(Double(tick) / 10) * Double(index)
                default: value = 42
                }
                try appender.append(labels, timestamp: time, value: value)
                expected[labels, default: []].append(Sample(timestamp: time, value: value))
            }
            time += step
            tick += 1
        }
        try appender.commit()
        return expected
    }

    /// Per shard file of `path`: the oldest sample time of its loose chunks, and its generations of groups.
    static func shardContents(_ path: String) throws -> [(oldestLoose: Timestamp?, generations: Int, groups: Int, pageSize: Int)] {
        let folder = path + "/shards"
        return try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".sqlite") }.sorted().map { name in
            let database = try DatabaseQueue(path: folder + "/" + name)
            defer { try? database.close() }
            return try database.read { db in
                (
                    try Timestamp.fetchOne(db, sql: "SELECT MIN(min_t) FROM chunks"),
                    try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT generation) FROM cold_groups") ?? 0,
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM cold_groups") ?? 0,
                    try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0
                )
            }
        }
    }

    @Test func aGracefulStopLeavesTheFolderRecompressed() throws {
        try withDataFolder { path in
            let end = recentTime(secondsAgo: 60)
            let clock = TestClock(end)
            // A window far longer than the data: nothing here ends before the stop.
            let options = StorageOptions(shardWindow: .seconds(7 * 86_400))
            let storage = try MetricsStorage(path: path, options: options, clock: clock)
            let expected = try Self.load(storage, hours: 3, end: end)
            try storage.close()

            let shards = try Self.shardContents(path)
            #expect(shards.count >= 1)
            for shard in shards {
                #expect(shard.groups > 0 && shard.oldestLoose == nil, "a chunk stayed as the head cut it: \(shards)")
                // Groups end in partly filled pages: small pages waste less of the disk.
                #expect(shard.pageSize == 2048)
            }
            let reopened = try MetricsStorage(path: path, options: options, clock: clock)
            defer { try? reopened.close() }
            #expect(try reopened.samples([try LabelMatcher(.regex, Labels.metricName, "recompression_.*")]) == expected)
        }
    }

    @Test func readsAnswerTheSameBeforeDuringAndAfterRecompression() async throws {
        try await withDataFolderAsync { path in
            let end = recentTime(secondsAgo: 60)
            let clock = TestClock(end)
            // Windows of an hour: some end during the run and merge whole, others take generations.
            let options = StorageOptions(shardWindow: .seconds(3600), samplesPerChunk: 120)
            let storage = try MetricsStorage(path: path, options: options, clock: clock)
            var expected = try Self.load(storage, hours: 4, end: end)
            // Later writes over older samples: out-of-order chunks with higher sequences.
            let overwritten = labelSet("recompression_1", ["instance": "host-1"])
            var appender = storage.appender()
            for index in stride(from: 10, to: 900, by: 37) {
                let sample = Sample(timestamp: expected[overwritten]![index].timestamp, value: -Double(index))
                try appender.append(overwritten, timestamp: sample.timestamp, value: sample.value)
                expected[overwritten]![index] = sample
            }
            try appender.commit()
            try storage.checkpoint()

            let matchers = [try LabelMatcher(.regex, Labels.metricName, "recompression_.*")]
            let ranges: [(Timestamp, Timestamp)] = [
                (0, .max), (end - 3 * Self.hour - 7_000, end - 2 * Self.hour + 7_000), (end - 90 * 60_000, end - 20 * 60_000),
            ]
            @Sendable func answers() throws -> [[Labels: [Sample]]] {
                try ranges.map { try storage.samples(matchers, from: $0.0, to: $0.1) }
            }
            let before = try answers()
            #expect(before[0] == expected)

            // Readers run while the cutoff walks over the data ten minutes at a time.
            let readers = (0..<2).map { _ in
                Task.detached { () throws -> (rounds: Int, differing: Int) in
                    var (rounds, differing) = (0, 0)
                    repeat {
                        if try answers() != before { differing += 1 }
                        rounds += 1
                    } while !Task.isCancelled
                    return (rounds, differing)
                }
            }
            var cutoff = end - 4 * Self.hour
            while cutoff <= end + 2 * Self.hour {
                try storage.recompress(before: cutoff)
                cutoff += 10 * 60_000
            }
            for reader in readers { reader.cancel() }
            for reader in readers {
                let result = try await reader.value
                #expect(result.rounds > 0 && result.differing == 0, "reads during recompression: \(result)")
            }

            #expect(try answers() == before)
            for shard in try Self.shardContents(path) {
                #expect(shard.oldestLoose == nil, "every window ended before the last cutoff: \(shard)")
                #expect(shard.generations == 1, "an ended window merges into one generation: \(shard)")
            }
            try storage.close()
            let reopened = try MetricsStorage(path: path, options: options, clock: clock)
            defer { try? reopened.close() }
            #expect(try ranges.map { try reopened.samples(matchers, from: $0.0, to: $0.1) } == before)
        }
    }

    @Test func laterWritesWinOverRecompressedDataAndGenerationsStayFew() throws {
        try withDataFolder { path in
            let end = recentTime(secondsAgo: 60)
            let clock = TestClock(end - 6 * Self.hour)
            let options = StorageOptions(shardWindow: .seconds(7 * 86_400), samplesPerChunk: 120)
            let storage = try MetricsStorage(path: path, options: options, clock: clock)
            let labels = labelSet("recompression_0", ["instance": "host-0"])
            var expected: [Timestamp: Double] = [:]
            // Six hours arrive as a live server gets them: a round every ten minutes, followed by
            // a checkpoint and the background recompression; now and then a late overwrite of
            // something recompressed long ago.
            var time = end - 7 * Self.hour
            var round = 0
            while time < end - Self.hour {
                var appender = storage.appender()
                for _ in 0..<40 {
                    time += Self.step
                    try appender.append(labels, timestamp: time, value: Double(time / 1000))
                    expected[time] = Double(time / 1000)
                }
                if round % 5 == 4, let old = expected.keys.sorted().dropFirst(round * 3).first {
                    try appender.append(labels, timestamp: old, value: -1)
                    expected[old] = -1
                }
                try appender.commit()
                try storage.checkpoint()
                clock.set(time)
                try storage.recompressSettled()
                round += 1
                for shard in try Self.shardContents(path) {
                    let oldest = shard.oldestLoose ?? .max
                    #expect(oldest >= clock.now() - Self.hour, "round \(round): a chunk over an hour old stayed as cut")
                }
                let want = expected.sorted { $0.key < $1.key }.map { Sample(timestamp: $0.key, value: $0.value) }
                #expect(try storage.samples(of: labels) == want, "round \(round)")
            }
            let generations = try Self.shardContents(path).map(\.generations)
            // 30 rounds of recompression: a binary counter keeps at most about log2(30) + 1.
            #expect(generations.allSatisfy { $0 >= 1 && $0 <= 6 }, "generations per shard: \(generations)")
            try storage.close()
            let reopened = try MetricsStorage(path: path, options: options, clock: clock)
            defer { try? reopened.close() }
            let want = expected.sorted { $0.key < $1.key }.map { Sample(timestamp: $0.key, value: $0.value) }
            #expect(try reopened.samples(of: labels) == want)
            // A sample written after the restart still wins over every generation.
            let old = want[17].timestamp
            try reopened.write(labels, [Sample(timestamp: old, value: 1e6)])
            try reopened.recompress(before: .max)
            #expect(try reopened.samples(of: labels, from: old, to: old) == [Sample(timestamp: old, value: 1e6)])
        }
    }
}
