import Foundation
import Logging
import OspreyAgent
import OspreyTestSupport
import Testing

@Suite struct SampleQueueTests {
    static let logger: Logger = {
        var logger = Logger(label: "queue-test")
        logger.logLevel = .critical
        return logger
    }()

    static func open(_ folder: TemporaryFolder, maxBytes: Int = 1 << 20) throws -> SampleQueue {
        try SampleQueue(path: folder.path + "/buffer.sqlite", maxBytes: maxBytes, logger: logger)
    }

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func batchesComeBackOldestFirstWithinMaxSamples() throws {
        let folder = try TemporaryFolder()
        let queue = try Self.open(folder)
        try queue.enqueue(Self.bytes("a 1 1000\n"), samples: 1, at: Date(timeIntervalSince1970: 100))
        try queue.enqueue(Self.bytes("b 1 1000\nb 2 2000\n"), samples: 2, at: Date(timeIntervalSince1970: 200))
        try queue.enqueue(Self.bytes("c 1 1000\nc 2 2000\nc 3 3000\n"), samples: 3, at: Date(timeIntervalSince1970: 300))

        let stats = queue.statistics
        #expect(stats.batches == 3)
        #expect(stats.samples == 6)
        #expect(stats.bytes == 9 + 18 + 27)
        #expect(stats.oldestEnqueuedAt == Date(timeIntervalSince1970: 100))
        #expect(stats.droppedSamples == 0)

        let firstTwo = try queue.oldest(maxSamples: 3)
        #expect(firstTwo.map(\.samples) == [1, 2])
        #expect(firstTwo.map { String(decoding: $0.body, as: UTF8.self) } == ["a 1 1000\n", "b 1 1000\nb 2 2000\n"])
        #expect(firstTwo[0].id < firstTwo[1].id)
        #expect(firstTwo[0].enqueuedAt == Date(timeIntervalSince1970: 100))

        #expect(try queue.oldest(maxSamples: 100).map(\.samples) == [1, 2, 3])
        // However small the limit, the oldest batch comes back.
        #expect(try queue.oldest(maxSamples: 1).map(\.samples) == [1])
        #expect(try queue.oldest(maxSamples: 0).map(\.samples) == [1])

        // Reading does not take anything out.
        #expect(queue.statistics.batches == 3)
    }

    @Test func removeForgetsBatchesAndStatisticsFollow() throws {
        let folder = try TemporaryFolder()
        let queue = try Self.open(folder)
        try queue.enqueue(Self.bytes("a 1\n"), samples: 1, at: Date(timeIntervalSince1970: 100))
        try queue.enqueue(Self.bytes("b 1\nb 2\n"), samples: 2, at: Date(timeIntervalSince1970: 200))
        try queue.enqueue(Self.bytes("c 1\n"), samples: 1, at: Date(timeIntervalSince1970: 300))

        let batches = try queue.oldest(maxSamples: 3)
        #expect(batches.count == 2)
        try queue.remove(through: try #require(batches.last).id)

        #expect(queue.statistics.batches == 1)
        #expect(queue.statistics.samples == 1)
        #expect(queue.statistics.bytes == 4)
        #expect(queue.statistics.oldestEnqueuedAt == Date(timeIntervalSince1970: 300))
        #expect(queue.statistics.droppedSamples == 0)
        let rest = try queue.oldest(maxSamples: 100)
        #expect(rest.map { String(decoding: $0.body, as: UTF8.self) } == ["c 1\n"])

        try queue.remove(through: try #require(rest.last).id)
        #expect(try queue.oldest(maxSamples: 100).isEmpty)
        #expect(queue.statistics.batches == 0)
        #expect(queue.statistics.samples == 0)
        #expect(queue.statistics.bytes == 0)
        #expect(queue.statistics.oldestEnqueuedAt == nil)
    }

    @Test func aBatchWithNoSamplesIsNotQueued() throws {
        let folder = try TemporaryFolder()
        let queue = try Self.open(folder)
        try queue.enqueue([], samples: 0)
        #expect(queue.statistics.batches == 0)
        #expect(try queue.oldest(maxSamples: 10).isEmpty)
    }

    @Test func aReopenedQueueStillHasWhatWasEnqueued() throws {
        let folder = try TemporaryFolder()
        do {
            let queue = try Self.open(folder)
            try queue.enqueue(Self.bytes("a 1 1000\n"), samples: 1, at: Date(timeIntervalSince1970: 100))
            try queue.enqueue(Self.bytes("b 1 1000\nb 2 2000\n"), samples: 2, at: Date(timeIntervalSince1970: 200))
            try queue.enqueue(Self.bytes("c 1 1000\n"), samples: 1, at: Date(timeIntervalSince1970: 300))
            let first = try queue.oldest(maxSamples: 1)
            try queue.remove(through: try #require(first.last).id)
        }
        // The agent restarted: a new queue on the same file.
        let reopened = try Self.open(folder)
        let stats = reopened.statistics
        #expect(stats.batches == 2)
        #expect(stats.samples == 3)
        #expect(stats.bytes == 18 + 9)
        #expect(stats.oldestEnqueuedAt == Date(timeIntervalSince1970: 200))
        let batches = try reopened.oldest(maxSamples: 100)
        #expect(batches.map { String(decoding: $0.body, as: UTF8.self) } == ["b 1 1000\nb 2 2000\n", "c 1 1000\n"])
        #expect(batches.map(\.samples) == [2, 1])

        // New batches go after the old ones.
        try reopened.enqueue(Self.bytes("d 1\n"), samples: 1, at: Date(timeIntervalSince1970: 400))
        #expect(try reopened.oldest(maxSamples: 100).map { String(decoding: $0.body, as: UTF8.self) }.last == "d 1\n")
        #expect(reopened.statistics.batches == 3)
    }

    @Test func pastMaxBytesTheOldestBatchesAreDroppedAndCounted() throws {
        let folder = try TemporaryFolder()
        let queue = try Self.open(folder, maxBytes: 250)
        let hundred = { (letter: Character) in [UInt8](String(repeating: letter, count: 99).utf8) + [UInt8(ascii: "\n")] }
        try queue.enqueue(hundred("a"), samples: 1, at: Date(timeIntervalSince1970: 100))
        try queue.enqueue(hundred("b"), samples: 2, at: Date(timeIntervalSince1970: 200))
        #expect(queue.statistics.droppedSamples == 0)
        #expect(queue.statistics.bytes == 200)

        try queue.enqueue(hundred("c"), samples: 3, at: Date(timeIntervalSince1970: 300))
        var stats = queue.statistics
        #expect(stats.droppedSamples == 1)
        #expect(stats.batches == 2)
        #expect(stats.samples == 5)
        #expect(stats.bytes == 200)
        #expect(stats.oldestEnqueuedAt == Date(timeIntervalSince1970: 200))
        #expect(try queue.oldest(maxSamples: 100).map { $0.body.first } == [UInt8(ascii: "b"), UInt8(ascii: "c")])

        // A batch bigger than the whole buffer is dropped itself; what is queued stays.
        try queue.enqueue([UInt8](repeating: UInt8(ascii: "x"), count: 251), samples: 7, at: Date(timeIntervalSince1970: 400))
        stats = queue.statistics
        #expect(stats.droppedSamples == 8)
        #expect(stats.batches == 2)
        #expect(stats.samples == 5)
        #expect(try queue.oldest(maxSamples: 100).map { $0.body.first } == [UInt8(ascii: "b"), UInt8(ascii: "c")])

        // One that needs room for itself pushes out as many old ones as it takes.
        try queue.enqueue([UInt8](repeating: UInt8(ascii: "y"), count: 240), samples: 4, at: Date(timeIntervalSince1970: 500))
        stats = queue.statistics
        #expect(stats.droppedSamples == 8 + 2 + 3)
        #expect(stats.batches == 1)
        #expect(stats.samples == 4)
        #expect(stats.bytes == 240)
        #expect(stats.oldestEnqueuedAt == Date(timeIntervalSince1970: 500))
        #expect(try queue.oldest(maxSamples: 100).map(\.samples) == [4])
    }

    @Test func enqueueWakesTheShipper() async throws {
        let folder = try TemporaryFolder()
        let queue = try Self.open(folder)
        let started = ContinuousClock.now
        let woken = Task { await queue.changed.wait(timeout: .seconds(60)) }
        try queue.enqueue(Self.bytes("a 1\n"), samples: 1)
        await woken.value
        // Woken by the enqueue, not by the timeout.
        #expect(ContinuousClock.now - started < .seconds(30))
        #expect(queue.statistics.batches == 1)
    }
}
