import Foundation
import OspreyModel
import OspreyStorage
import OspreyTSDB
import Synchronization
import Testing

/// Writers, readers and checkpoints at once: every committed sample ends up stored exactly once,
/// and no select ever sees a series torn, unsorted or shrinking while chunks move to shards.
@Suite struct StorageConcurrencyTests {
    static let writers = 4
    static let seriesPerWriter = 5
    static let commits = 50
    static let samplesPerCommit = 200
    static let stepsPerCommit = samplesPerCommit / seriesPerWriter
    static let samplesPerSeries = commits * stepsPerCommit
    static let step: Int64 = 100

    final class Progress: Sendable {
        let writersDone = Atomic<Int>(0)
        let selects = Atomic<Int>(0)
        let checkpoints = Atomic<Int>(0)
    }

    static func labels(writer: Int, series: Int) -> Labels {
        labelSet("concurrent", ["writer": "\(writer)", "series": "\(series)"])
    }

    static func value(writer: Int, series: Int, n: Int) -> Double {
        Double(writer * 1_000_000 + series * 10_000 + n)
    }

    /// Problems with one series as a select returned it: anything but samples 0..<k in order.
    static func problems(in stored: StoredSeries, base: Timestamp) -> String? {
        guard let writer = Int(stored.labels["writer"] ?? ""), let series = Int(stored.labels["series"] ?? "") else {
            return "unexpected series \(stored.labels)"
        }
        for (n, sample) in stored.samples.enumerated() {
            if n > 0, sample.timestamp <= stored.samples[n - 1].timestamp {
                return "\(stored.labels): timestamps not increasing at \(n): \(stored.samples[n - 1].timestamp), \(sample.timestamp)"
            }
            if sample.timestamp != base + Int64(n) * step || sample.value != value(writer: writer, series: series, n: n) {
                return "\(stored.labels): sample \(n) is (\(sample.timestamp - base), \(sample.value)): a gap or a wrong value"
            }
        }
        if stored.samples.count % stepsPerCommit != 0 {
            return "\(stored.labels): \(stored.samples.count) samples, not whole commits"
        }
        return nil
    }

    @Test func writersReadersAndCheckpoints() async throws {
        try await withDataFolderAsync { path in
            let options = StorageOptions(shardWindow: .seconds(30), samplesPerChunk: 32)
            let storage = try MetricsStorage(path: path, options: options)
            let base = recentTime(secondsAgo: 3600)
            let progress = Progress()
            let everything = [try LabelMatcher(.regex, "__name__", "concurrent")]

            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<Self.writers {
                    group.addTask {
                        defer { progress.writersDone.add(1, ordering: .sequentiallyConsistent) }
                        var refs: [SeriesRef] = []
                        for commit in 0..<Self.commits {
                            var appender = storage.appender()
                            for offset in 0..<Self.stepsPerCommit {
                                let n = commit * Self.stepsPerCommit + offset
                                for series in 0..<Self.seriesPerWriter {
                                    let timestamp = base + Int64(n) * Self.step
                                    let value = Self.value(writer: writer, series: series, n: n)
                                    if refs.count > series {
                                        try appender.append(refs[series], timestamp: timestamp, value: value)
                                    } else {
                                        refs.append(
                                            try appender.append(Self.labels(writer: writer, series: series), timestamp: timestamp, value: value))
                                    }
                                }
                            }
                            try appender.commit()
                            await Task.yield()
                        }
                    }
                }
                for reader in 0..<2 {
                    group.addTask {
                        var seen: [Labels: Int] = [:]
                        while progress.writersDone.load(ordering: .sequentiallyConsistent) < Self.writers {
                            let matchers = reader == 0 ? everything : [LabelMatcher.equal("writer", "1"), .equal("series", "3")]
                            let (minTime, maxTime) = reader == 0 ? (Timestamp(0), Timestamp.max) : (base, base + 1_000_000)
                            let result = try storage.querier(minTime: minTime, maxTime: maxTime).select(matchers)
                            // A commit is seen whole: all series of one writer have the same length.
                            let lengths = Dictionary(grouping: result) { $0.labels["writer"] ?? "" }.mapValues { Set($0.map(\.samples.count)) }
                            for (writer, counts) in lengths where counts.count > 1 {
                                Issue.record(
                                    "reader \(reader): writer \(writer)'s series have different lengths \(counts.sorted()): a commit seen in part")
                            }
                            for stored in result {
                                if let problem = Self.problems(in: stored, base: base) {
                                    Issue.record("reader \(reader): \(problem)")
                                    return
                                }
                                let before = seen[stored.labels] ?? 0
                                #expect(
                                    stored.samples.count >= before,
                                    "reader \(reader): \(stored.labels) shrank from \(before) to \(stored.samples.count)")
                                seen[stored.labels] = stored.samples.count
                            }
                            progress.selects.add(1, ordering: .relaxed)
                            await Task.yield()
                        }
                    }
                }
                group.addTask {
                    while progress.writersDone.load(ordering: .sequentiallyConsistent) < Self.writers {
                        try storage.checkpoint()
                        progress.checkpoints.add(1, ordering: .relaxed)
                        try await Task.sleep(for: .milliseconds(5))
                    }
                }
                try await group.waitForAll()
            }
            #expect(progress.selects.load(ordering: .relaxed) > 2, "readers ran alongside the writers")
            #expect(progress.checkpoints.load(ordering: .relaxed) > 1, "checkpoints ran alongside the writers")

            func checkComplete(_ storage: MetricsStorage, _ stage: String) throws {
                let result = try storage.querier(minTime: 0, maxTime: .max).select(everything)
                #expect(result.count == Self.writers * Self.seriesPerWriter, "\(stage)")
                for stored in result {
                    #expect(stored.samples.count == Self.samplesPerSeries, "\(stage) \(stored.labels)")
                    if let problem = Self.problems(in: stored, base: base) { Issue.record("\(stage): \(problem)") }
                }
            }
            try checkComplete(storage, "at the end")
            #expect(storage.statistics().counters.samplesAppended == Int64(Self.writers * Self.commits * Self.samplesPerCommit))
            try storage.close()
            let reopened = try MetricsStorage(path: path, options: options)
            try checkComplete(reopened, "reopened")
            try reopened.close()
        }
    }
}
