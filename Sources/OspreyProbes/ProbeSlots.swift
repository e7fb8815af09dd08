/// At most `limit()` probes at once (`probes.max_concurrent`, read at each turn so a reload
/// takes effect), shared by scheduled probes, which wait their turn in order, and ad-hoc ones
/// from `/probe`, which take a free slot or none: a flood of requests is turned away rather
/// than piling up sockets, and never jumps ahead of scheduled probes already waiting.
public actor ProbeSlots {
    private let limit: @Sendable () -> Int
    private var held = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    public init(limit: @escaping @Sendable () -> Int) {
        self.limit = limit
    }

    /// Slots held now.
    public var inUse: Int { held }

    /// Runs `body` holding a slot, waiting for one.
    func withSlot<T: Sendable>(_ body: @Sendable () async -> T) async -> T {
        await acquire()
        defer { release() }
        return await body()
    }

    /// Runs `body` holding a slot if one is free now and nobody waits for one; nil otherwise.
    public func withFreeSlot<T: Sendable>(_ body: @Sendable () async -> T) async -> T? {
        guard waiting.isEmpty, free else { return nil }
        held += 1
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
