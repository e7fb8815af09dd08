import OspreyModel
import OspreyStorage
import OspreyTestSupport
import Synchronization
import Testing

@testable import OspreyAgent

/// A clock the test moves by hand.
final class ManualClock: Sendable {
    private let start = ContinuousClock.now
    private let elapsed = Mutex(Duration.zero)

    func advance(by duration: Duration) { elapsed.withLock { $0 += duration } }
    func instant() -> ContinuousClock.Instant { start + elapsed.withLock { $0 } }
    var now: @Sendable () -> ContinuousClock.Instant { { self.instant() } }
}

@Suite struct SeriesTableTests {
    let clock = ManualClock()

    @Test func seriesIdleForTwoLimitsAreForgottenAndUsedOnesKept() {
        let table = SeriesTable(idleLimit: .seconds(60), now: clock.now)
        let kept = Labels(["__name__": "up", "job": "node"])
        let idle = Labels(["__name__": "up", "job": "batch"])
        let keptRef = table.ref(for: kept)
        let idleRef = table.ref(for: idle)
        #expect(keptRef != idleRef)

        for _ in 0..<3 {
            clock.advance(by: .seconds(61))
            #expect(table.labels(of: keptRef) == kept)
        }
        #expect(table.labels(of: idleRef) == nil, "unused for three minutes")
        #expect(table.count == 1)
        #expect(table.ref(for: kept) == keptRef, "a series in use keeps its reference")
        #expect(table.ref(for: idle) != idleRef, "a forgotten series comes back under a new reference")
    }

    @Test func churningSeriesDoNotGrowTheTableWithoutEnd() {
        let table = SeriesTable(idleLimit: .seconds(60), now: clock.now)
        for minute in 0..<100 {
            for pod in 0..<50 {
                _ = table.ref(for: Labels(["__name__": "container_cpu", "pod": "p-\(minute)-\(pod)"]))
            }
            clock.advance(by: .seconds(30))
        }
        // Two generations of at most two minutes' series, where all 5,000 were once in use.
        #expect(table.count <= 4 * 50 * 2)
    }

    @Test func aForgottenReferenceIsRefusedAndTheSampleGoesInByItsLabels() throws {
        let folder = try TemporaryFolder()
        let queue = try SampleQueueTests.open(folder)
        let appendable = QueueAppendable(
            queue: queue, externalLabels: Labels(["region": "eu"]),
            series: SeriesTable(idleLimit: .seconds(60), now: clock.now))
        let labels = Labels(["__name__": "queue_depth", "queue": "mail"])

        var appender = appendable.appender()
        let first = try appender.append(labels, timestamp: 1000, value: 1)
        try appender.commit()
        clock.advance(by: .seconds(125))

        #expect(throws: StorageError.self) { try appender.append(first, timestamp: 2000, value: 2) }
        let second = try appender.append(first, labels: labels, timestamp: 2000, value: 2)
        #expect(second != first)
        try appender.append(second, timestamp: 3000, value: 3)
        try appender.commit()

        let shipped = try queue.oldest(maxSamples: .max).flatMap { try ShippedSample.parse($0.body) }
        #expect(shipped.map(\.value) == [1, 2, 3])
        #expect(shipped.allSatisfy { $0.labels == ["__name__": "queue_depth", "queue": "mail", "region": "eu"] })
    }
}
