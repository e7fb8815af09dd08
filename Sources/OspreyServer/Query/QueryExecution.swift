import OspreyQuery

/// Runs one evaluation while its client is there: when the client goes away (or the request task
/// is cancelled) it is cancelled and fails with `QueryError.canceled`. The deadline is the
/// engine's own (`QueryOptions.timeout`), which stops the evaluation on its thread.
///
/// The evaluation runs as a child task, so cancelling it reaches the engine, which checks
/// `Task.isCancelled` as it goes; the answer waits for it to stop, so a cancelled query holds
/// its place in the bulkhead until it has really let go of its memory and CPU.
enum QueryExecution {
    private enum Outcome<Value: Sendable>: Sendable {
        case finished(Result<Value, QueryError>)
        case clientGone
        case cancelled
    }

    static func run<Value: Sendable>(
        disconnect: DisconnectSignal?,
        _ evaluate: @escaping @Sendable () async throws(QueryError) -> Value
    ) async throws(QueryError) -> Value {
        if Task.isCancelled || disconnect?.hasFired == true { throw .canceled }
        let outcome = await withTaskGroup(of: Outcome<Value>.self) { group in
            group.addTask {
                do throws(QueryError) {
                    return .finished(.success(try await evaluate()))
                } catch {
                    return .finished(.failure(error))
                }
            }
            if let disconnect {
                group.addTask {
                    await disconnect.wait()
                    return Task.isCancelled ? .cancelled : .clientGone
                }
            }
            // The first to finish decides; the others are cancelled and awaited.
            let first = await group.next() ?? .cancelled
            group.cancelAll()
            return first
        }
        switch outcome {
        case .finished(.success(let value)): return value
        case .finished(.failure(let error)): throw error
        case .clientGone, .cancelled: throw .canceled
        }
    }
}
