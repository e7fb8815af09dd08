import Foundation

/// Runs blocking work (waiting on a child process) on a thread of its own: blocking one of the
/// few cooperative threads would starve the in-process servers the child may be talking to.
public func offCooperativePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread {
            continuation.resume(with: Result { try work() })
        }
    }
}
