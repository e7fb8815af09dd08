import Synchronization

/// A bulkhead: at most `limit` holders at once, and no queue, so a flood of requests is turned
/// away (429) instead of piling up in memory. Pushes and queries each have their own, so a
/// flood of one cannot starve the other.
final class ConcurrencyLimit: Sendable {
    /// What the places are for, as the 429 names it (`ingest`, `query`).
    let name: String
    private let inFlight = Atomic<Int>(0)
    private let limit: @Sendable () -> Int

    /// `limit` is read at each acquire, so a config reload takes effect at once.
    init(_ name: String, limit: @escaping @Sendable () -> Int) {
        self.name = name
        self.limit = limit
    }

    /// Places held now.
    var holders: Int { inFlight.load(ordering: .relaxed) }

    /// Runs `body` holding a place, or throws `APIError.saturated` at once when every place is taken.
    func withPlace<T>(_ body: () async throws -> T) async throws -> T {
        let (_, holders) = inFlight.add(1, ordering: .acquiring)
        defer { inFlight.subtract(1, ordering: .releasing) }
        guard holders <= limit() else { throw APIError.saturated(name) }
        return try await body()
    }
}
