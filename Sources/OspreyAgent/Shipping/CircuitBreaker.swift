import Foundation

/// One server's breaker: after `threshold` failures in a row it opens and the server is
/// skipped for a cooldown (doubling with each failed trial, up to `maximumCooldown`); then one
/// push tries it again, and a success closes it. A server's own `Retry-After` opens it for
/// exactly that long.
struct CircuitBreaker: Sendable {
    var threshold = 3
    var initialCooldown: Duration = .seconds(1)
    var maximumCooldown: Duration = .seconds(30)

    private(set) var consecutiveFailures = 0
    private(set) var openUntil: ContinuousClock.Instant?
    private var cooldown: Duration?

    func isClosed(at now: ContinuousClock.Instant) -> Bool {
        openUntil.map { now >= $0 } ?? true
    }

    mutating func succeeded() {
        consecutiveFailures = 0
        openUntil = nil
        cooldown = nil
    }

    mutating func failed(at now: ContinuousClock.Instant, retryAfter: Duration? = nil) {
        consecutiveFailures += 1
        if let retryAfter {
            openUntil = now + retryAfter
            return
        }
        guard consecutiveFailures >= threshold else { return }
        let next = cooldown.map { min($0 * 2, maximumCooldown) } ?? initialCooldown
        cooldown = next
        openUntil = now + next
    }
}
