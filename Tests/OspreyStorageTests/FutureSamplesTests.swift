import Foundation
import OspreyModel
import OspreyStorage
import OspreyTSDB
import Testing

/// Samples further ahead of the clock than `max_future` are refused at append and counted: each
/// would make a shard file for a time retention never reaches.
@Suite struct FutureSamplesTests {
    static let options = StorageOptions(shardWindow: .seconds(3600), retention: .seconds(7200), maxFuture: .seconds(600))
    /// The clock the appenders are given: a fixed instant, so the bounds are exact.
    static let now: Timestamp = 1_800_000_000_000

    @Test func samplesBeyondMaxFutureAreRefusedNamingTheSeries() throws {
        try withDataFolder { path in
            let storage = try MetricsStorage(path: path, options: Self.options)
            let labels = labelSet("ahead", ["job": "x"])
            var appender = storage.appender(now: Self.now)
            // At the bound itself is accepted, as is the ordinary present.
            let ref = try appender.append(labels, timestamp: Self.now + 600_000, value: 1)
            try appender.append(ref, timestamp: Self.now, value: 2)
            for tooFar in [Self.now + 600_001, Self.now + 86_400_000, Int64.max] {
                do throws(StorageError) {
                    try appender.append(labels, timestamp: tooFar, value: 3)
                    Issue.record("a sample at \(tooFar) was accepted")
                } catch {
                    #expect(error == .tooFarInFuture(labels: labels, timestamp: tooFar, newestAllowed: Self.now + 600_000))
                    #expect(error.description.contains("ahead{job=\"x\"}") && error.description.contains("storage.max_future"))
                }
            }
            // By reference the error names the series too.
            do throws(StorageError) {
                try appender.append(ref, timestamp: Int64.max, value: 4)
                Issue.record("a sample at the end of time was accepted")
            } catch {
                #expect(error == .tooFarInFuture(labels: labels, timestamp: .max, newestAllowed: Self.now + 600_000))
            }
            try appender.commit()
            #expect(
                try storage.samples(of: labels, from: .min) == [
                    Sample(timestamp: Self.now, value: 2), Sample(timestamp: Self.now + 600_000, value: 1),
                ])
            #expect(storage.statistics().counters.rejectedTooFarInFuture == 4)
            #expect(storage.statistics().counters.rejectedOutOfRetention == 0)

            // A new series whose only sample is refused is not created, and no shard is made for it.
            var second = storage.appender(now: Self.now)
            #expect(throws: StorageError.self) { try second.append(labelSet("never_created"), timestamp: Int64.max - 1, value: 1) }
            try second.commit()
            try storage.checkpoint()
            #expect(storage.statistics().series == 1)
            let window: Int64 = 3_600_000
            #expect(Set(storage.statistics().shardBytes.keys) == [Self.now / window * window])
            try storage.close()
        }
    }

    @Test func theWallClockIsTheDefault() throws {
        try withDataFolder { path in
            let storage = try MetricsStorage(path: path, options: Self.options)
            var appender = storage.appender()
            try appender.append(labelSet("soon"), timestamp: SystemClock().now() + 60_000, value: 1)
            #expect(throws: StorageError.self) { try appender.append(labelSet("later"), timestamp: SystemClock().now() + 3_600_000, value: 1) }
            try appender.commit()
            #expect(storage.statistics().series == 1)
            try storage.close()
        }
    }

    @Test func retentionAndMaxFutureDoNotOverflowAtTheEndsOfTime() throws {
        try withDataFolder { path in
            let longest = StorageOptions(retention: .longestPrometheus, maxFuture: .longestPrometheus)
            let storage = try MetricsStorage(path: path, options: longest)
            var early = storage.appender(now: Int64.min + 1)
            #expect(throws: StorageError.self) { try early.append(labelSet("edge"), timestamp: Int64.max, value: 1) }
            var late = storage.appender(now: Int64.max - 1)
            #expect(throws: StorageError.self) { try late.append(labelSet("edge"), timestamp: Int64.min, value: 1) }
            try storage.close()
        }
    }
}
