import OspreyModel
import OspreyStorage

/// The pushgateway's groups, kept apart as the pushgateway keeps them: a PUT replaces the
/// group's series (those not pushed again end with a staleness marker), a POST merges, a DELETE
/// ends every series of the group, and a PUT or DELETE of `{job="backup"}` leaves the group
/// `{job="backup",instance="db1"}` alone. One request per group runs at a time.
public final class PushGroups: Sendable {
    private let store: PushGroupStore
    private let queue = PushGroupQueue()

    public init(store: PushGroupStore) {
        self.store = store
    }

    /// Runs `body` while no other request to `group` runs.
    public func exclusively<T: Sendable>(_ group: [Label], _ body: @Sendable () async throws -> T) async throws -> T {
        try await queue.run(PushGroupStore.key(group), body)
    }

    /// Stages in `batch` a staleness marker for each series of `group` not in `kept` that is still
    /// live in `storage` (its last sample within `retention` of `now` not already a marker).
    public func endSeries(
        of group: [Label], except kept: Set<Labels>, in batch: inout IngestBatch, reading storage: any Queryable,
        retention: Duration, now: Timestamp
    ) throws(IngestError) {
        let ending = try store.series(of: group).subtracting(kept)
        guard !ending.isEmpty else { return }
        let live: [StoredSeries]
        do {
            live = try storage.querier(minTime: now.subtractingSaturated(retention.milliseconds), maxTime: now)
                .select(Self.commonMatchers(of: ending))
        } catch {
            throw .unavailable("cannot read the series of the pushgateway group \(PushGroupStore.key(group)): \(error)", retryAfterSeconds: 5)
        }
        for series in live where ending.contains(series.labels) {
            guard let last = series.samples.last, !last.value.isStaleMarker else { continue }
            try batch.add(series.labels, timestamp: max(now, last.timestamp + 1), value: .staleMarker, line: 0)
        }
    }

    /// Records `series` as what `group` holds after a push: in place of what it held (PUT), or
    /// besides it (POST). Called once the push is stored: a push refused leaves the group as it was.
    public func record(_ series: [Labels], in group: [Label], replacing: Bool) throws(IngestError) {
        try store.record(series, in: group, replacing: replacing)
    }

    /// Forgets `group`, once a DELETE has ended its series.
    public func remove(_ group: [Label]) throws(IngestError) {
        try store.remove(group)
    }

    /// Matchers every one of `series` meets: the labels they all share (at least the group's).
    private static func commonMatchers(of series: Set<Labels>) -> [LabelMatcher] {
        guard let first = series.first else { return [] }
        return first.filter { label in series.allSatisfy { $0[label.name].map { sameBytes($0, label.value) } ?? false } }
            .map { LabelMatcher.equal($0.name, $0.value) }
    }
}
