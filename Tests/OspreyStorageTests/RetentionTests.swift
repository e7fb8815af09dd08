import Foundation
import OspreyModel
import OspreyStorage
import OspreyTSDB
import Testing

/// Samples older than retention are refused at append; shards wholly older are deleted.
@Suite struct RetentionTests {
    static let options = StorageOptions(shardWindow: .seconds(3600), retention: .seconds(7200))

    @Test func oldSamplesAreRefusedAndCounted() throws {
        try withDataFolder { path in
            let storage = try MetricsStorage(path: path, options: Self.options)
            let labels = labelSet("retained", ["job": "x"])
            let now = SystemClock().now()
            let tooOld = now - 7_300_000
            var appender = storage.appender()
            let ref = try appender.append(labels, timestamp: now - 1000, value: 1)
            do throws(StorageError) {
                try appender.append(labels, timestamp: tooOld, value: 2)
                Issue.record("a sample older than retention was accepted")
            } catch {
                guard case .outOfRetention(let refused, let timestamp, let oldest) = error else {
                    Issue.record("wrong error \(error)")
                    return
                }
                #expect(refused == labels)
                #expect(timestamp == tooOld)
                #expect(oldest >= now - 7_200_000 - 5000 && oldest <= now - 7_200_000 + 5000, "oldest allowed \(oldest)")
            }
            // By reference too; the error still names the series.
            #expect(throws: StorageError.self) { try appender.append(ref, timestamp: tooOld - 1, value: 3) }
            do throws(StorageError) {
                try appender.append(ref, timestamp: tooOld - 1, value: 3)
            } catch {
                if case .outOfRetention(let refused, _, _) = error { #expect(refused == labels) } else { Issue.record("\(error)") }
            }
            // The refusal drops that sample alone; the batch keeps the others.
            try appender.append(ref, timestamp: now, value: 4)
            try appender.commit()
            #expect(try storage.samples(of: labels) == [Sample(timestamp: now - 1000, value: 1), Sample(timestamp: now, value: 4)])
            #expect(storage.statistics().counters.rejectedOutOfRetention == 3)
            #expect(storage.statistics().counters.samplesAppended == 2)

            // A new series whose only sample is refused is not created.
            var second = storage.appender()
            #expect(throws: StorageError.self) { try second.append(labelSet("never_created"), timestamp: tooOld, value: 1) }
            try second.commit()
            #expect(storage.statistics().series == 1)
            #expect(try storage.querier(minTime: 0, maxTime: .max).labelValues("__name__", matching: []) == ["retained"])
            try storage.close()
        }
    }

    @Test func oldShardIsDeletedNewerOneKept() throws {
        try withDataFolder { path in
            let window: Int64 = 3_600_000
            let now = SystemClock().now()
            let currentWindow = now / window * window
            // The last minute of the previous window: inside retention (at most 1 h 1 min ago).
            let oldWindow = currentWindow - window
            let old = currentWindow - 60_000
            let labels = labelSet("windows", ["job": "x"])
            let oldSamples = (0..<10).map { Sample(timestamp: old + Int64($0) * 1000, value: Double($0)) }
            let newSamples = (0..<10).map { Sample(timestamp: currentWindow + Int64($0) * 1000, value: Double(100 + $0)) }
            // Another series only in the old window, gone with it.
            let oldOnly = labelSet("old_only")

            let storage = try MetricsStorage(path: path, options: Self.options)
            try storage.write(labels, oldSamples + newSamples)
            try storage.write(oldOnly, [Sample(timestamp: old, value: 7)])
            try storage.checkpoint()
            let shardsFolder = path + "/shards"
            #expect(FileManager.default.fileExists(atPath: "\(shardsFolder)/\(oldWindow).sqlite"))
            #expect(FileManager.default.fileExists(atPath: "\(shardsFolder)/\(currentWindow).sqlite"))
            #expect(Set(storage.statistics().shardBytes.keys) == [oldWindow, currentWindow])

            // Nothing is old enough yet.
            #expect(storage.enforceRetention(now: now) == 0)
            #expect(try storage.samples(of: labels).count == 20)

            // Later: the current window's start is the retention cutoff, so the old window ended before it.
            let later = currentWindow + 7_200_000
            #expect(storage.enforceRetention(now: later) == 1)
            #expect(!FileManager.default.fileExists(atPath: "\(shardsFolder)/\(oldWindow).sqlite"))
            #expect(FileManager.default.fileExists(atPath: "\(shardsFolder)/\(currentWindow).sqlite"))
            #expect(Set(storage.statistics().shardBytes.keys) == [currentWindow])
            #expect(try storage.samples(of: labels) == newSamples)
            #expect(try storage.samples(of: oldOnly) == [])
            #expect(try storage.samples([.equal("__name__", "old_only")]).isEmpty)

            // Still there after a restart, and still gone.
            try storage.close()
            let reopened = try MetricsStorage(path: path, options: Self.options)
            #expect(try reopened.samples(of: labels) == newSamples)
            #expect(try reopened.samples(of: oldOnly) == [])
            // Idempotent.
            #expect(reopened.enforceRetention(now: later) == 0)
            try reopened.close()
        }
    }
}
