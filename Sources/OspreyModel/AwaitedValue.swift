import Synchronization

/// A value that may not be there yet, and that any number of tasks can wait for: a service's
/// open database, say. Waiters resume when it is set, not by polling.
public final class AwaitedValue<Value: Sendable>: Sendable {
    private struct State {
        var value: Value?
        var waiters: [Int: CheckedContinuation<Value?, Never>] = [:]
        var nextWaiter = 0
    }

    private let state = Mutex(State())

    public init(_ value: Value? = nil) {
        state.withLock { $0.value = value }
    }

    /// The value now, nil while there is none.
    public var value: Value? { state.withLock { $0.value } }

    /// Sets the value (nil takes it away again) and resumes everyone waiting for one.
    public func set(_ value: Value?) {
        let waiters = state.withLock { state -> [CheckedContinuation<Value?, Never>] in
            state.value = value
            guard value != nil else { return [] }
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(returning: value) }
    }

    /// The value, once there is one; throws `CancellationError` when the task is cancelled first.
    public func wait() async throws -> Value {
        let id = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        let found = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Value?, Never>) in
                let now = state.withLock { state -> Value?? in
                    if let value = state.value { return .some(value) }
                    if Task.isCancelled { return .some(nil) }
                    state.waiters[id] = continuation
                    return .none
                }
                if let now { continuation.resume(returning: now) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume(returning: nil)
        }
        guard let found else { throw CancellationError() }
        return found
    }
}
