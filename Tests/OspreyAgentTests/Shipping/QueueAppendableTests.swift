import Foundation
import OspreyAgent
import OspreyFormats
import OspreyModel
import OspreyStorage
import OspreyTestSupport
import Testing

/// One sample line read back from a queued batch.
struct ShippedSample: Equatable, CustomStringConvertible {
    var labels: [String: String]
    var value: Double
    var timestamp: Timestamp?

    var description: String { "\(labels.sorted { $0.key < $1.key }) \(value) @\(timestamp.map(String.init) ?? "-")" }

    /// Every sample line of `text`, parsed as the server's importer parses it.
    static func parse(_ bytes: [UInt8]) throws -> [ShippedSample] {
        var parser = ExpositionParser(bytes: bytes, format: .text)
        var samples: [ShippedSample] = []
        while let entry = try parser.next() {
            guard case .sample(let sample) = entry else { continue }
            let labels = Dictionary(sample.labels.map { ($0.name, $0.value) }) { first, _ in first }
            samples.append(ShippedSample(labels: labels, value: sample.value, timestamp: sample.timestamp))
        }
        return samples
    }
}

@Suite struct QueueAppendableTests {
    let folder: TemporaryFolder
    let queue: SampleQueue
    let appendable: QueueAppendable

    init() throws {
        folder = try TemporaryFolder()
        queue = try SampleQueueTests.open(folder)
        appendable = QueueAppendable(queue: queue, externalLabels: Labels(["region": "eu", "instance": "host-1"]))
    }

    func queued() throws -> [[ShippedSample]] {
        try queue.oldest(maxSamples: .max).map { try ShippedSample.parse($0.body) }
    }

    @Test func aCommitQueuesOneBatchWithTimestampsAndExternalLabels() throws {
        var appender = appendable.appender()
        try appender.append(Labels(["__name__": "up", "job": "node"]), timestamp: 1_700_000_000_000, value: 1)
        try appender.append(Labels(["__name__": "temp", "instance": "probe-7"]), timestamp: 1_700_000_000_500, value: 21.5)
        try appender.append(Labels(["__name__": "up", "job": "node"]), timestamp: 1_700_000_015_000, value: 0)
        #expect(queue.statistics.batches == 0, "nothing is queued before the commit")
        try appender.commit()

        #expect(queue.statistics.batches == 1)
        #expect(queue.statistics.samples == 3)
        let batches = try queued()
        #expect(batches.count == 1)
        #expect(
            batches.first == [
                ShippedSample(
                    labels: ["__name__": "up", "job": "node", "region": "eu", "instance": "host-1"], value: 1,
                    timestamp: 1_700_000_000_000),
                // The series' own instance wins over the external one.
                ShippedSample(
                    labels: ["__name__": "temp", "instance": "probe-7", "region": "eu"], value: 21.5, timestamp: 1_700_000_000_500),
                ShippedSample(
                    labels: ["__name__": "up", "job": "node", "region": "eu", "instance": "host-1"], value: 0,
                    timestamp: 1_700_000_015_000),
            ])
    }

    @Test func eachCommitIsItsOwnBatch() throws {
        var appender = appendable.appender()
        try appender.append(Labels(["__name__": "a"]), timestamp: 1000, value: 1)
        try appender.commit()
        try appender.append(Labels(["__name__": "b"]), timestamp: 2000, value: 2)
        try appender.append(Labels(["__name__": "c"]), timestamp: 2000, value: 3)
        try appender.commit()
        #expect(try queued().map { $0.map { $0.labels["__name__"] ?? "" } } == [["a"], ["b", "c"]])
        #expect(queue.statistics.samples == 3)
    }

    @Test func aRefFromOneAppenderWorksInTheNext() throws {
        var first = appendable.appender()
        let ref = try first.append(Labels(["__name__": "scraped", "job": "app"]), timestamp: 1000, value: 1)
        try first.commit()

        var second = appendable.appender()
        try second.append(ref, timestamp: 2000, value: 2)
        try second.commit()
        // The same series appended by labels again keeps its ref.
        var third = appendable.appender()
        #expect(try third.append(Labels(["__name__": "scraped", "job": "app"]), timestamp: 3000, value: 3) == ref)
        third.rollback()

        let batches = try queued()
        #expect(batches.count == 2)
        #expect(
            batches.last == [
                ShippedSample(
                    labels: ["__name__": "scraped", "job": "app", "region": "eu", "instance": "host-1"], value: 2, timestamp: 2000)
            ])
    }

    @Test func anUnknownRefAndANamelessSeriesAreRefused() throws {
        var appender = appendable.appender()
        #expect(throws: StorageError.self) { try appender.append(SeriesRef(4242), timestamp: 1000, value: 1) }
        #expect(throws: StorageError.self) { try appender.append(Labels(["job": "x"]), timestamp: 1000, value: 1) }
        try appender.commit()
        #expect(queue.statistics.batches == 0)
    }

    @Test func aStaleMarkerIsNotShipped() throws {
        var appender = appendable.appender()
        let ref = try appender.append(Labels(["__name__": "gone"]), timestamp: 1000, value: 5)
        try appender.append(ref, timestamp: 2000, value: .staleMarker)
        try appender.append(Labels(["__name__": "other"]), timestamp: 2000, value: .staleMarker)
        try appender.commit()
        let batches = try queued()
        #expect(batches.count == 1)
        #expect(batches.first?.map(\.value) == [5])
        #expect(queue.statistics.samples == 1)

        // A commit of nothing but stale markers queues nothing.
        try appender.append(ref, timestamp: 3000, value: .staleMarker)
        try appender.commit()
        #expect(queue.statistics.batches == 1)
    }

    @Test func rollbackQueuesNothing() throws {
        var appender = appendable.appender()
        try appender.append(Labels(["__name__": "dropped"]), timestamp: 1000, value: 1)
        appender.rollback()
        try appender.commit()
        #expect(queue.statistics.batches == 0)
        #expect(try queue.oldest(maxSamples: 100).isEmpty)

        // The appender is usable after a rollback, and carries nothing over.
        try appender.append(Labels(["__name__": "kept"]), timestamp: 2000, value: 2)
        try appender.commit()
        #expect(try queued().map { $0.map { $0.labels["__name__"] ?? "" } } == [["kept"]])
    }

    @Test func aNaNValueIsShippedAsNaN() throws {
        var appender = appendable.appender()
        try appender.append(Labels(["__name__": "ratio"]), timestamp: 1000, value: .nan)
        try appender.append(Labels(["__name__": "big"]), timestamp: 1000, value: .infinity)
        try appender.commit()
        let samples = try #require(try queued().first)
        #expect(samples.count == 2)
        #expect(samples.first?.value.isNaN == true)
        #expect(samples.last?.value == .infinity)
    }
}
