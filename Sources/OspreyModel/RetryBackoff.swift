/// How long to wait before retrying a failed delivery (a notification, a push): exponential backoff with full jitter
/// (a uniformly random delay up to `initial · 2^(attempts-1)`, capped at `maximum`), so
/// receivers coming back after an outage are not hit by every sender at the same moment.
///
/// The defaults, 1 s doubling to at most 1 min, mean a receiver back after a long outage gets
/// its backlog within about a minute.
public struct RetryBackoff: Sendable, Hashable {
    public var initial: Duration
    public var maximum: Duration

    public init(initial: Duration = .seconds(1), maximum: Duration = .seconds(60)) {
        self.initial = initial
        self.maximum = max(initial, maximum)
    }

    /// The cap before jitter after `attempts` failed attempts (1 for the first failure).
    public func ceiling(afterAttempts attempts: Int) -> Duration {
        var ceiling = initial
        for _ in 1..<max(attempts, 1) {
            guard ceiling < maximum else { break }
            ceiling *= 2
        }
        return min(ceiling, maximum)
    }

    /// The wait after `attempts` failed attempts, drawn from `0...ceiling`.
    public func delay(afterAttempts attempts: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let ceiling = ceiling(afterAttempts: attempts).seconds
        return .seconds(Double.random(in: 0...ceiling, using: &generator))
    }

    public func delay(afterAttempts attempts: Int) -> Duration {
        var generator = SystemRandomNumberGenerator()
        return delay(afterAttempts: attempts, using: &generator)
    }
}
