import OspreyScrape
import Synchronization

/// Consumes a discovery's `updates()` in the background and keeps what arrives, so that a test
/// can wait, with a deadline, for the picture it expects instead of sleeping a fixed time.
final class UpdateRecorder: Sendable {
    private let received = Mutex<[[TargetGroup]]>([])

    /// Starts consuming; cancelling the task ends the stream.
    func consume(_ updates: AsyncStream<[TargetGroup]>) -> Task<Void, Never> {
        Task {
            for await groups in updates {
                received.withLock { $0.append(groups) }
            }
        }
    }

    var count: Int { received.withLock { $0.count } }
    var latest: [TargetGroup]? { received.withLock { $0.last } }

    /// Whether `condition` came to hold before the deadline, checking every 10 ms.
    func wait(
        upTo timeout: Duration = .seconds(10), until condition: (_ received: [[TargetGroup]]) -> Bool
    ) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if received.withLock({ condition($0) }) { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return received.withLock { condition($0) }
    }

    /// Whether the newest update came to satisfy `condition` before the deadline.
    func waitForLatest(upTo timeout: Duration = .seconds(10), _ condition: ([TargetGroup]) -> Bool) async -> Bool {
        await wait(upTo: timeout) { received in received.last.map(condition) ?? false }
    }
}
