import Synchronization

/// Runs a probe's work with a hard bound: the answer is nil once `timeout` passes, or at once
/// when the calling task is cancelled (the client of `/probe` went away, the server stops), even
/// while the work is stuck in a blocking call (a name lookup) that cancellation cannot
/// interrupt. The work is then cancelled and finishes (and cleans up) on its own.
enum HTTPProbeDeadline {
    static func run<Value: Sendable>(
        within timeout: Duration, _ work: @escaping @Sendable () async -> Value
    ) async -> Value? {
        let race = Race<Value>()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                race.start(continuation, timeout: timeout, work)
            }
        } onCancel: {
            race.cancel()
        }
    }

    /// The first of the work, the timer and cancellation answers; the others are ignored, and
    /// the tasks still running (the work after a timeout, the timer after the work) are cancelled.
    private final class Race<Value: Sendable>: Sendable {
        private struct State {
            var continuation: CheckedContinuation<Value?, Never>?
            var tasks: [Task<Void, Never>] = []
            var finished = false
            var cancelled = false
        }

        private let state = Mutex(State())

        func start(
            _ continuation: CheckedContinuation<Value?, Never>, timeout: Duration, _ work: @escaping @Sendable () async -> Value
        ) {
            state.withLock { $0.continuation = continuation }
            let worker = Task { self.finish(await work()) }
            let timer = Task {
                try? await Task.sleep(for: timeout)
                self.finish(nil)
            }
            let (finished, cancelled) = state.withLock { state in
                state.tasks = [worker, timer]
                return (state.finished, state.cancelled)
            }
            if finished {
                worker.cancel()
                timer.cancel()
            } else if cancelled {
                finish(nil)
            }
        }

        func cancel() {
            let started = state.withLock { state in
                state.cancelled = true
                return state.continuation != nil
            }
            if started { finish(nil) }
        }

        private func finish(_ value: Value?) {
            let (continuation, tasks) = state.withLock { state -> (CheckedContinuation<Value?, Never>?, [Task<Void, Never>]) in
                guard !state.finished else { return (nil, []) }
                state.finished = true
                defer { state.continuation = nil }
                return (state.continuation, state.tasks)
            }
            for task in tasks { task.cancel() }
            continuation?.resume(returning: value)
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
