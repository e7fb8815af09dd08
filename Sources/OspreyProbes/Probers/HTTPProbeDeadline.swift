import Synchronization

/// Runs a probe's work with a hard bound: the answer is nil once `timeout` passes, even while the
/// work is stuck in a blocking call (a name lookup) that cancellation cannot interrupt. The work
/// is then cancelled and finishes (and cleans up) on its own.
enum HTTPProbeDeadline {
    static func run<Value: Sendable>(
        within timeout: Duration, _ work: @escaping @Sendable () async -> Value
    ) async -> Value? {
        await withCheckedContinuation { continuation in
            let once = ResumeOnce(continuation)
            let worker = Task { once.resume(await work()) }
            Task {
                try? await Task.sleep(for: timeout)
                once.resume(nil)
                worker.cancel()
            }
        }
    }

    /// Whichever of the work and the timer ends first answers; the other is ignored.
    private final class ResumeOnce<Value: Sendable>: Sendable {
        private let slot: Mutex<CheckedContinuation<Value?, Never>?>

        init(_ continuation: CheckedContinuation<Value?, Never>) {
            slot = Mutex(continuation)
        }

        func resume(_ value: Value?) {
            slot.withLock { continuation in
                continuation?.resume(returning: value)
                continuation = nil
            }
        }
    }
}

/// The report of an http probe as far as it has got, kept where the caller can still read it
/// once the deadline has given up on the work.
final class HTTPProbeProgress: Sendable {
    private let latest = Mutex(HTTPProbeReport())

    func record(_ report: HTTPProbeReport) {
        latest.withLock { $0 = report }
    }

    var report: HTTPProbeReport { latest.withLock { $0 } }
}
