import Foundation
import Hummingbird
import OspreyFormats
import OspreyModel

/// The Prometheus pushgateway's URL scheme, `/metrics/job/<job>{/<label>/<value>}`, as
/// `prometheus_client.push_to_gateway` and batch jobs call it. PUT replaces the group's series
/// (those not pushed again get a staleness marker), POST merges, DELETE ends every series of the
/// group. Groups are kept apart as the pushgateway keeps them: a PUT or DELETE of
/// `{job="backup"}` leaves the group `{job="backup",instance="db1"}` alone.
struct PushgatewayRoutes<Context: RequestContext> {
    let ingest: IngestGate
    /// The group records, or nil while the data folder is opening.
    let groups: @Sendable () -> PushGroupStore?
    private let queue = PushGroupQueue()

    init(ingest: IngestGate, groups: @escaping @Sendable () -> PushGroupStore?) {
        self.ingest = ingest
        self.groups = groups
    }

    func register(on router: Router<Context>) {
        router.put("/metrics/**") { request, _ in try await push(request, replace: true) }
        router.post("/metrics/**") { request, _ in try await push(request, replace: false) }
        router.delete("/metrics/**") { request, _ in
            let group = try Self.groupingLabels(request.uri.path)
            let groups = try openGroups()
            return try await queue.run(PushGroupStore.key(group)) {
                let response = try await ingest.handle(request, overrides: group) { batch, _ in
                    try endSeries(try groups.series(of: group), except: [], in: &batch)
                }
                try groups.remove(group)
                return response
            }
        }
    }

    private func push(_ request: Request, replace: Bool) async throws -> Response {
        let group = try Self.groupingLabels(request.uri.path)
        let groups = try openGroups()
        return try await queue.run(PushGroupStore.key(group)) {
            var pushed: [Labels] = []
            let response = try await ingest.handle(request, overrides: group) { batch, request in
                let now = SystemClock().now()
                try await BodyBlocks(for: batch).read(
                    request,
                    transform: { try ParsedBlock($0, linesBefore: $1, defaultTimestamp: now, timestampsAllowed: false) },
                    merge: { try batch.merge($0) })
                pushed = batch.series
                if replace {
                    try endSeries(try groups.series(of: group), except: Set(batch.series), in: &batch)
                }
            }
            // Recorded once stored: a push refused leaves the group as it was.
            try groups.record(pushed, in: group, replacing: replace)
            return response
        }
    }

    /// Stages a staleness marker for each series of `members` that is live and not in `kept`.
    private func endSeries(_ members: Set<Labels>, except kept: Set<Labels>, in batch: inout IngestBatch) throws {
        let ending = members.subtracting(kept)
        guard !ending.isEmpty else { return }
        let storage = try ingest.access.openStorage()
        let now = SystemClock().now()
        let retention = ingest.config.current.storage.retention.milliseconds
        let live = try storage.querier(minTime: now - retention, maxTime: now)
            .select(Self.commonMatchers(of: ending))
        for series in live where ending.contains(series.labels) {
            guard let last = series.samples.last, !last.value.isStaleMarker else { continue }
            try batch.add(series.labels, timestamp: max(now, last.timestamp + 1), value: .staleMarker, line: 0)
        }
    }

    /// Matchers every one of `series` meets: the labels they all share (at least the group's).
    private static func commonMatchers(of series: Set<Labels>) -> [LabelMatcher] {
        guard let first = series.first else { return [] }
        return first.filter { label in series.allSatisfy { $0[label.name].map { sameBytes($0, label.value) } ?? false } }
            .map { LabelMatcher.equal($0.name, $0.value) }
    }

    private func openGroups() throws(APIError) -> PushGroupStore {
        guard let groups = groups() else { throw .unavailable("storage is not open yet") }
        return groups
    }

    /// The grouping labels of a pushgateway path, or 400 naming what is wrong.
    static func groupingLabels(_ path: String) throws(APIError) -> [Label] {
        do {
            return try PushgatewayPath.groupingLabels(path)
        } catch {
            throw .badData(error.description)
        }
    }
}
