import Foundation
import OspreyModel
import OspreyStorage
import OspreyTSDB
import Testing

/// A select tests label values against its matchers away from the lock writers need, and stops
/// between one value and the next when its reader goes away.
@Suite struct SelectLockTests {
    /// `long{v="a…ab"}` with 1 to `count` `a`s, one sample each.
    private static func storeLongValues(_ storage: MetricsStorage, count: Int, at time: Timestamp) throws {
        var appender = storage.appender()
        for length in 1...count {
            try appender.append(
                labelSet("long", ["v": String(repeating: "a", count: length) + "b"]), timestamp: time, value: Double(length))
        }
        try appender.commit()
    }

    @Test func aCommitGoesThroughWhileASelectTestsValues() throws {
        try withDataFolder { path in
            let storage = try MetricsStorage(path: path)
            defer { try? storage.close() }
            let time = recentTime()
            try Self.storeLongValues(storage, count: 100, at: time)
            let matcher = try LabelMatcher(.regex, "v", "a+b")
            // A writer started while the select is between two values must finish while the
            // select still waits there: the select holds no lock a commit needs.
            let newcomer = labelSet("long", ["v": String(repeating: "a", count: 500) + "b"])
            var writer: BackgroundWrite?
            var writerDone = false
            let selected = try storage.querier(minTime: 0, maxTime: .max).select([matcher]) {
                if writer == nil {
                    let started = BackgroundWrite { try storage.write(newcomer, [Sample(timestamp: time, value: 500)]) }
                    writer = started
                    writerDone = started.finished(within: .seconds(20))
                }
                return false
            }
            _ = writer?.finished(within: .seconds(600))
            #expect(writer != nil, "the select asked whether to go on")
            #expect(writerDone, "the commit waited for the select")
            #expect(writer?.error == nil)
            // The series committed meanwhile is in the answer: the last round tests new values too.
            #expect(selected.count == 101)
            #expect(selected.contains { $0.labels == newcomer })
        }
    }

    @Test func aSelectStopsBetweenValuesOnceItsReaderGoesAway() throws {
        try withDataFolder { path in
            let storage = try MetricsStorage(path: path)
            defer { try? storage.close() }
            try Self.storeLongValues(storage, count: 200, at: recentTime())
            let querier = storage.querier(minTime: 0, maxTime: .max)
            var asked = 0
            #expect(throws: StorageError.interrupted) {
                try querier.select([try LabelMatcher(.regex, "v", ".*b")]) {
                    asked += 1
                    return asked > 10
                }
            }
            #expect(asked == 11, "no value tested after the reader went away")
            // Lookups of literal values test nothing, and selects without a reader's check go on.
            #expect(try querier.select([.equal("v", "ab")]) { true }.count == 1)
            #expect(try querier.select([try LabelMatcher(.regex, "v", ".*b")]).count == 200)
        }
    }
}

/// A commit on a thread of its own, so that a test can wait for it with a deadline.
final class BackgroundWrite: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var finished = false
    private var failure: (any Error)?

    init(_ write: @escaping @Sendable () throws -> Void) {
        let thread = Thread { [self] in
            do {
                try write()
            } catch {
                lock.withLock { failure = error }
            }
            done.signal()
        }
        thread.start()
    }

    /// Whether the write has ended by `timeout` from now.
    func finished(within timeout: Duration) -> Bool {
        if lock.withLock({ finished }) { return true }
        let seconds = Double(timeout.components.seconds)
        guard done.wait(timeout: .now() + seconds) == .success else { return false }
        lock.withLock { finished = true }
        return true
    }

    var error: (any Error)? { lock.withLock { failure } }
}
