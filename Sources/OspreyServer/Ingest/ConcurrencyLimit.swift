import Synchronization

/// A bulkhead: at most `limit` holders at once, and no queue, so a flood of requests is turned
/// away (429) instead of piling up in memory.
final class ConcurrencyLimit: Sendable {
    private let inFlight = Atomic<Int>(0)
    private let limit: @Sendable () -> Int

    /// `limit` is read at each acquire, so a config reload takes effect at once.
    init(limit: @escaping @Sendable () -> Int) {
        self.limit = limit
    }

    /// Places held now.
    var holders: Int { inFlight.load(ordering: .relaxed) }

    /// Runs `body` holding a place, or returns nil at once when every place is taken.
    func withPlace<T>(_ body: () async throws -> T) async rethrows -> T? {
        let (_, holders) = inFlight.add(1, ordering: .acquiring)
        guard holders <= limit() else {
            inFlight.subtract(1, ordering: .releasing)
            return nil
        }
        defer { inFlight.subtract(1, ordering: .releasing) }
        return try await body()
    }
}
