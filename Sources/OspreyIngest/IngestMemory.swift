import Synchronization

/// The memory all pushes being handled may hold together (`ingest.max_inflight_bytes`), beside
/// the count of pushes (`ingest.max_concurrent`): a decompression bomb or a handful of huge pushes
/// cannot take the server's memory, whatever each one's own limits allow. What a push holds is
/// counted as it grows: its body read and not yet parsed and what staging's buffers hold, exactly,
/// and a new series' labels by estimate. The first `floorBytes` of every push are its own and
/// draw nothing, so small pushes are always taken (that floor is bounded by `max_concurrent`)
/// while big ones wait their turn.
public final class IngestMemory: Sendable {
    /// What a push may hold without drawing on the shared budget.
    public static let floorBytes = 1 << 20

    private let used = Atomic<Int>(0)
    fileprivate let capacity: @Sendable () -> Int

    /// `capacity` is read at each draw, so a config reload takes effect at once.
    public init(capacity: @escaping @Sendable () -> Int) {
        self.capacity = capacity
    }

    /// Bytes drawn from the budget now, by every push together (beyond their floors).
    public var drawn: Int { used.load(ordering: .relaxed) }

    /// A push's account: what it holds now; `release()` gives back everything when it ends.
    public func account() -> Account { Account(budget: self) }

    fileprivate func draw(_ bytes: Int) -> Bool {
        let (_, total) = used.add(bytes, ordering: .relaxed)
        guard total <= capacity() else {
            used.subtract(bytes, ordering: .relaxed)
            return false
        }
        return true
    }

    fileprivate func giveBack(_ bytes: Int) {
        used.subtract(bytes, ordering: .relaxed)
    }

    /// What one push holds. Taken from by the task that reads the body and the one that stages
    /// samples at once, hence the lock.
    public final class Account: Sendable {
        private let budget: IngestMemory
        private let held = Mutex<Int>(0)

        fileprivate init(budget: IngestMemory) {
            self.budget = budget
        }

        /// Counts `bytes` more held by this push, or throws 503 with Retry-After when the pushes in
        /// flight would together hold more than `ingest.max_inflight_bytes`, and 413 when this push
        /// alone would, as no retry can help it then.
        public func take(_ bytes: Int) throws(IngestError) {
            guard bytes > 0 else { return }
            let refusal: IngestError? = held.withLock { held in
                let draw = Self.beyondFloor(held + bytes) - Self.beyondFloor(held)
                guard draw == 0 || budget.draw(draw) else {
                    let capacity = budget.capacity()
                    return Self.beyondFloor(held + bytes) > capacity ? .memoryExceededAlone(capacity) : .memorySaturated
                }
                held += bytes
                return nil
            }
            if let refusal { throw refusal }
        }

        /// Counts `bytes` no longer held (a block parsed and staged).
        public func give(_ bytes: Int) {
            held.withLock { held in
                let given = min(max(bytes, 0), held)
                budget.giveBack(Self.beyondFloor(held) - Self.beyondFloor(held - given))
                held -= given
            }
        }

        /// Gives back everything the push holds, once it is stored or refused.
        public func release() {
            give(.max)
        }

        /// What this push holds now.
        public var holding: Int { held.withLock { $0 } }

        private static func beyondFloor(_ held: Int) -> Int { max(0, held - IngestMemory.floorBytes) }
    }
}
