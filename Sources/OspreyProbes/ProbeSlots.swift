/// At most `limit()` probes at once (`probes.max_concurrent`, read at each turn so a reload
/// takes effect); the others wait their turn, in order.
actor ProbeSlots {
    private let limit: @Sendable () -> Int
    private var held = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(limit: @escaping @Sendable () -> Int) {
        self.limit = limit
    }

    /// Runs `body` holding a slot.
    func withSlot<T: Sendable>(_ body: @Sendable () async -> T) async -> T {
        await acquire()
        defer { release() }
        return await body()
    }

    private var free: Bool { held < max(1, limit()) }

    private func acquire() async {
        if waiting.isEmpty, free {
            held += 1
            return
        }
        // The releasing probe takes the slot for this one before resuming it.
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        held -= 1
        while free, !waiting.isEmpty {
            held += 1
            waiting.removeFirst().resume()
        }
    }
}
