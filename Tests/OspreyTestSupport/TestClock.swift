import OspreyModel
import Synchronization

/// A wall clock that stands still until the test moves it; whoever sleeps on it wakes when a
/// move reaches their deadline, so a test drives schedules instead of waiting for them.
public final class TestClock: WallClock {
    private struct State {
        var now: Timestamp
        var sleepers: [Int: (deadline: Timestamp, continuation: CheckedContinuation<Void, any Error>)] = [:]
        var nextSleeper = 0
    }

    private let state: Mutex<State>

    public init(_ start: Timestamp) {
        state = Mutex(State(now: start))
    }

    public func now() -> Timestamp {
        state.withLock { $0.now }
    }

    /// How many wait for a later time now.
    public var sleeperCount: Int {
        state.withLock { $0.sleepers.count }
    }

    public func set(_ timestamp: Timestamp) {
        let due = state.withLock { state in
            state.now = timestamp
            let due = state.sleepers.filter { $0.value.deadline <= timestamp }
            for id in due.keys { state.sleepers[id] = nil }
            return due.values.map(\.continuation)
        }
        for continuation in due { continuation.resume() }
    }

    public func advance(by duration: Duration) {
        set(now() + duration.milliseconds)
    }

    public func sleep(until deadline: Timestamp) async throws {
        let id = state.withLock { state in
            defer { state.nextSleeper += 1 }
            return state.nextSleeper
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resume: (any Error)?? = state.withLock { state in
                    if Task.isCancelled { return .some(CancellationError()) }
                    if deadline <= state.now { return .some(nil) }
                    state.sleepers[id] = (deadline, continuation)
                    return .none
                }
                switch resume {
                case .none: break
                case .some(nil): continuation.resume()
                case .some(let error?): continuation.resume(throwing: error)
                }
            }
        } onCancel: {
            let sleeper = state.withLock { $0.sleepers.removeValue(forKey: id) }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }
}
