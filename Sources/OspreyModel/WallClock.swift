import Foundation

/// Where the time of day comes from: the system's clock in a running server, a clock the test
/// moves in tests. Parts that stamp, age or expire data take one instead of reading `Date()`.
public protocol WallClock: Sendable {
    /// Milliseconds since the Unix epoch.
    func now() -> Timestamp
}

/// The system's clock.
public struct SystemClock: WallClock {
    public init() {}

    public func now() -> Timestamp {
        Timestamp(Date().timeIntervalSince1970 * 1000)
    }
}
