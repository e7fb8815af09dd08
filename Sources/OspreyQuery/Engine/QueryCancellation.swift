import Foundation
import Synchronization

/// Tells an evaluation running on a thread of its own that its caller has gone. Evaluations
/// leave Swift's cooperative pool because they compute for long stretches without suspending,
/// and there `Task.isCancelled` cannot reach them.
public final class QueryCancellation: Sendable {
    private let cancelled = Atomic<Bool>(false)

    public init() {}

    public func cancel() { cancelled.store(true, ordering: .relaxed) }
    public var isCancelled: Bool { cancelled.load(ordering: .relaxed) }
}

/// Runs `work` on a thread of its own and awaits it; cancelling the awaiting task cancels the
/// work through `cancellation`. Queries are few at a time (the API's bulkhead bounds them), so a
/// thread each costs little, and the cooperative threads stay free for requests and pushes.
public func onOwnThread<Value: Sendable, Failure: Error>(
    _ work: @escaping @Sendable (QueryCancellation) throws(Failure) -> Value
) async throws(Failure) -> Value {
    let cancellation = QueryCancellation()
    let result: Result<Value, Failure> = await withTaskCancellationHandler {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                do throws(Failure) {
                    continuation.resume(returning: .success(try work(cancellation)))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
    } onCancel: {
        cancellation.cancel()
    }
    return try result.get()
}
