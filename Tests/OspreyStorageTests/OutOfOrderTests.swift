import Foundation
import OspreyModel
import OspreyTSDB
import Testing

/// Samples older than the newest of their series are kept and sorted in; a second write to a
/// timestamp replaces the first, wherever the first is by then (head, out-of-order buffer, shard).
@Suite struct OutOfOrderTests {
    static let optionSets: [StorageOptions] = [
        StorageOptions(),
        // Tiny chunks and windows: out-of-order buffers are cut while writing, across windows.
        StorageOptions(shardWindow: .seconds(4), samplesPerChunk: 4),
    ]

    @Test(arguments: optionSets)
    func outOfOrderAndLastWriteWins(options: StorageOptions) throws {
        try withDataFolder { path in
            let t = recentTime(secondsAgo: 7200)
            let labels = labelSet("ooo", ["case": "main"])
            var expected: [Timestamp: Double] = [:]
            func check(_ storage: MetricsStorage, _ stage: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
                let want = expected.sorted { $0.key < $1.key }.map { Sample(timestamp: $0.key, value: $0.value) }
                let got = try storage.samples(of: labels)
                #expect(got == want, "\(stage): got \(bits(got))", sourceLocation: sourceLocation)
            }
            func write(_ storage: MetricsStorage, _ samples: [(Int64, Double)]) throws {
                try storage.write(labels, samples.map { Sample(timestamp: t + $0.0, value: $0.1) })
                for (offset, value) in samples { expected[t + offset] = value }
            }

            var storage = try MetricsStorage(path: path, options: options)
            try write(storage, (1...10).map { (Int64($0) * 1000, Double($0)) })
            try check(storage, "in order")

            // Older than everything, and between existing samples.
            try write(storage, [(500, 0.5), (1500, 1.5), (9999, 9.999), (2500, 2.5), (1, 0.001)])
            try check(storage, "out of order")

            // Same timestamp, new value, while the first is in the open head chunk.
            try write(storage, [(5000, 50)])
            try check(storage, "replaced in head")
            // Twice in one batch: the later one wins.
            try write(storage, [(3000, 30), (3000, 31)])
            try check(storage, "replaced twice in one batch")
            // Replacing an out-of-order sample still in the out-of-order buffer.
            try write(storage, [(1500, 15)])
            try check(storage, "replaced out-of-order sample")
            // Replacing the newest sample.
            try write(storage, [(10_000, 100)])
            try check(storage, "replaced newest")

            try storage.checkpoint()
            try check(storage, "after checkpoint")
            let replacedInBuffer = storage.statistics().counters.samplesReplaced
            // What the counter guarantees: duplicates met inside one out-of-order buffer are counted
            // when it is cut. With big chunks the buffer held 3000 twice and 1500 twice; with 4-sample
            // chunks only the two 3000s share a cut. (Replacing a sample of the open chunk or of a
            // shard is not counted: 5 replacements happened above.)
            let minimum: Int64 = options.samplesPerChunk >= 16 ? 2 : 1
            #expect(replacedInBuffer >= minimum, "samplesReplaced \(replacedInBuffer)")

            // Replacing samples that are in shards by now, in order and out of order.
            try write(storage, [(6000, 60), (500, -0.5), (10_000, 1000)])
            try check(storage, "replaced shard samples")
            try write(storage, [(11_000, 11), (10_500, 10.5)])
            try check(storage, "newer, then older than the newest")

            try storage.close()
            storage = try MetricsStorage(path: path, options: options)
            try check(storage, "reopened")
            try write(storage, [(4000, 40), (12_000, 12), (4000, 41)])
            try check(storage, "replaced after reopen")
            try storage.checkpoint()
            try check(storage, "checkpointed after reopen")
            try storage.recompress(before: .max)
            try check(storage, "compacted")
            try write(storage, [(2000, 20)])
            try check(storage, "replaced in a compacted shard")
            try storage.close()
            storage = try MetricsStorage(path: path, options: options)
            try check(storage, "reopened again")
            try storage.close()
        }
    }

    /// Ranges that hold only out-of-order samples: sorted, deduplicated, and found by time in the
    /// head, in shards, and after a restart.
    @Test func rangesOfOutOfOrderSamplesOnly() throws {
        try withDataFolder { path in
            let t = recentTime()
            let labels = labelSet("ooo_ranges")
            var storage = try MetricsStorage(path: path)
            try storage.write(labels, [Sample(timestamp: t + 10_000, value: 10)])
            try storage.write(
                labels,
                [
                    Sample(timestamp: t + 1000, value: 1), Sample(timestamp: t + 3000, value: 3),
                    Sample(timestamp: t + 2000, value: 2), Sample(timestamp: t + 3000, value: 33),
                ])
            let all = [
                Sample(timestamp: t + 1000, value: 1), Sample(timestamp: t + 2000, value: 2),
                Sample(timestamp: t + 3000, value: 33), Sample(timestamp: t + 10_000, value: 10),
            ]
            func check(_ stage: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
                for (minTime, maxTime) in [(t, t + 4000), (t + 2500, t + 3500), (t + 1500, t + 2500), (t, t + 20_000)] {
                    let got = try storage.samples(of: labels, from: minTime, to: maxTime)
                    let want = all.filter { $0.timestamp >= minTime && $0.timestamp <= maxTime }
                    #expect(
                        got == want, "\(stage) \(minTime - t)...\(maxTime - t): got \(got.map { ($0.timestamp - t, $0.value) })",
                        sourceLocation: sourceLocation)
                }
            }
            try check("head")
            try storage.checkpoint()
            try check("shards")
            try storage.close()
            storage = try MetricsStorage(path: path)
            try check("reopened")
            try storage.close()
        }
    }

    /// Going back to a value that was replaced must not be taken for a resend of the newest sample.
    @Test func writingBackTheFirstValueOfTheNewestTimestamp() throws {
        try withDataFolder { path in
            let t = recentTime()
            let labels = labelSet("flip")
            let storage = try MetricsStorage(path: path)
            try storage.write(labels, [Sample(timestamp: t, value: 1)])
            try storage.write(labels, [Sample(timestamp: t, value: 2)])
            #expect(try storage.samples(of: labels) == [Sample(timestamp: t, value: 2)])
            try storage.write(labels, [Sample(timestamp: t, value: 1)])
            #expect(try storage.samples(of: labels) == [Sample(timestamp: t, value: 1)], "the last write is 1")
            try storage.close()
        }
    }

    /// After a restart the head does not know the newest value; a write of NaN over it still wins.
    @Test func nanOverTheNewestSampleAfterRestart() throws {
        try withDataFolder { path in
            let t = recentTime()
            let labels = labelSet("nan_after_restart")
            do {
                let storage = try MetricsStorage(path: path)
                try storage.write(labels, [Sample(timestamp: t - 1000, value: 4), Sample(timestamp: t, value: 5)])
                try storage.close()
            }
            let storage = try MetricsStorage(path: path)
            try storage.write(labels, [Sample(timestamp: t, value: .nan)])
            let got = try storage.samples(of: labels)
            #expect(got == [Sample(timestamp: t - 1000, value: 4), Sample(timestamp: t, value: .nan)], "got \(bits(got))")
            try storage.close()
        }
    }

    /// A resend of exactly the newest sample (a retried push) is harmless.
    @Test func resendOfNewestSample() throws {
        try withDataFolder { path in
            let t = recentTime()
            let labels = labelSet("resend")
            let storage = try MetricsStorage(path: path)
            let samples = (0..<5).map { Sample(timestamp: t + Int64($0) * 1000, value: $0 == 4 ? .nan : Double($0)) }
            try storage.write(labels, samples)
            try storage.write(labels, [samples[4]])
            try storage.write(labels, [samples[4]])
            #expect(try storage.samples(of: labels) == samples)
            #expect(storage.statistics().counters.samplesAppended == 7)
            try storage.checkpoint()
            #expect(try storage.samples(of: labels) == samples)
            try storage.close()
        }
    }
}

/// `osprey_storage_samples_replaced_total`: a replacement is counted once the two values meet,
/// in the out-of-order buffer or when compaction merges a shard; an identical resend is none.
@Suite struct ReplacementCountTests {
    @Test func replacingAStoredSampleIsCountedOnceMerged() throws {
        try withDataFolder { path in
            let storage = try MetricsStorage(path: path)
            let series = labelSet("replaced_metric")
            let t = recentTime()
            try storage.write(series, [Sample(timestamp: t, value: 1), Sample(timestamp: t + 1000, value: 5)])
            try storage.checkpoint()
            try storage.write(series, [Sample(timestamp: t, value: 2)])
            try storage.write(series, [Sample(timestamp: t + 1000, value: 5)])
            try storage.checkpoint()
            try storage.recompress(before: .max)
            #expect(try storage.samples(of: series) == [Sample(timestamp: t, value: 2), Sample(timestamp: t + 1000, value: 5)])
            #expect(storage.statistics().counters.samplesReplaced == 1)
            try storage.close()
        }
    }
}
