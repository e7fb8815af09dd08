import Foundation

/// Where the time of day comes from, and how a part waits for a time of day: the system's clock
/// in a running server, a clock the test moves in tests. Parts that stamp, age, expire or
/// schedule take one instead of reading `Date()` or sleeping on their own.
public protocol WallClock: Sendable {
    /// Milliseconds since the Unix epoch.
    func now() -> Timestamp

    /// Returns once `now()` has reached `deadline`; throws `CancellationError` when the task is
    /// cancelled first.
    func sleep(until deadline: Timestamp) async throws
}

/// The system's clock.
public struct SystemClock: WallClock {
    public init() {}

    public func now() -> Timestamp {
        Timestamp(Date().timeIntervalSince1970 * 1000)
    }

    public func sleep(until deadline: Timestamp) async throws {
        let wait = deadline.subtractingSaturated(now())
        if wait > 0 { try await Task.sleep(for: .milliseconds(wait)) } else { try Task.checkCancellation() }
    }
}
