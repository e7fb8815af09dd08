import OspreyModel
import OspreyStorage
import Synchronization

/// Samples of chunks decoded lately, so that dashboards refreshing the same panels do not
/// decode the same chunks again. Entries are found by the chunk's content (series, time span,
/// encoding, size and a hash of its bytes), never by position, so a chunk rewritten by
/// compaction cannot be served stale: the cache is always correct, only sometimes empty.
final class DecodedChunkCache: Sendable {
    struct Key: Hashable {
        var seriesID: Int64
        var minTime: Timestamp
        var maxTime: Timestamp
        var encoding: Int
        var byteCount: Int
        var contentHash: Int

        init(_ record: ChunkRecord) {
            seriesID = record.seriesID
            minTime = record.minTime
            maxTime = record.maxTime
            encoding = record.encoding.rawValue
            byteCount = record.data.count
            var hasher = Hasher()
            record.data.withUnsafeBytes { hasher.combine(bytes: $0) }
            contentHash = hasher.finalize()
        }
    }

    private struct State {
        var entries: [Key: [Sample]] = [:]
        /// Insertion order, for evicting the oldest first.
        var order: [Key] = []
        var orderStart = 0
        var samples = 0
    }

    /// One part of the cache under its own lock: concurrent queries (rule groups evaluated at
    /// once) read chunks all the time, and one lock for all made them queue.
    private final class Stripe: Sendable {
        let state = Mutex(State())
    }

    private let stripes: [Stripe]
    /// The most samples held at once (16 bytes each).
    let capacity: Int
    private let stripeCapacity: Int

    init(capacity: Int, stripes: Int = 16) {
        self.capacity = capacity
        self.stripes = (0..<max(1, stripes)).map { _ in Stripe() }
        stripeCapacity = capacity / max(1, stripes)
    }

    /// Samples held now.
    var heldSamples: Int { stripes.reduce(0) { $0 + $1.state.withLock { $0.samples } } }

    /// The chunk's samples, decoded now or earlier.
    func samples(of record: ChunkRecord) throws(StorageError) -> [Sample] {
        if let decoded = record.decoded { return decoded }
        guard capacity > 0 else { return try record.samples() }
        let key = Key(record)
        let stripe = stripes[Int(UInt(bitPattern: key.contentHash ^ Int(truncatingIfNeeded: key.seriesID)) % UInt(stripes.count))]
        if let cached = stripe.state.withLock({ $0.entries[key] }) { return cached }
        let samples = try record.samples()
        let capacity = stripeCapacity
        guard samples.count <= capacity / 4 else { return samples }
        stripe.state.withLock { state in
            guard state.entries.updateValue(samples, forKey: key) == nil else { return }
            state.order.append(key)
            state.samples += samples.count
            while state.samples > capacity, state.orderStart < state.order.count {
                let oldest = state.order[state.orderStart]
                state.orderStart += 1
                state.samples -= state.entries.removeValue(forKey: oldest)?.count ?? 0
            }
            // Drop the evicted prefix of the order now and then rather than on every eviction.
            if state.orderStart > 4096, state.orderStart * 2 > state.order.count {
                state.order.removeFirst(state.orderStart)
                state.orderStart = 0
            }
        }
        return samples
    }
}
