/// One request at a time per pushgateway group, as the pushgateway takes them: a PUT reads the
/// group's series, stores, then records what the group holds, and a request to the same group
/// in between would be lost from the record.
public actor PushGroupQueue {
    private var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]

    public func run<T: Sendable>(_ group: String, _ body: @Sendable () async throws -> T) async throws -> T {
        await enter(group)
        defer { leave(group) }
        return try await body()
    }

    private func enter(_ group: String) async {
        guard waiting[group] != nil else {
            waiting[group] = []
            return
        }
        await withCheckedContinuation { waiting[group, default: []].append($0) }
    }

    private func leave(_ group: String) {
        guard var queue = waiting[group], !queue.isEmpty else {
            waiting[group] = nil
            return
        }
        let next = queue.removeFirst()
        waiting[group] = queue
        next.resume()
    }
}
