import Foundation
import Hummingbird
import OspreyFormats
import OspreyModel
import OspreyStorage

/// The Prometheus pushgateway's URL scheme, `/metrics/job/<job>{/<label>/<value>}`, as
/// `prometheus_client.push_to_gateway` and batch jobs call it. PUT replaces the group's series
/// (those not pushed again get a staleness marker), POST merges, DELETE ends every series of the
/// group. A group is found by its grouping labels, so a group nested in it (more grouping labels)
/// is part of it for PUT and DELETE.
struct PushgatewayRoutes<Context: RequestContext> {
    let ingest: IngestGate

    func register(on router: Router<Context>) {
        router.put("/metrics/**") { request, _ in try await push(request, replace: true) }
        router.post("/metrics/**") { request, _ in try await push(request, replace: false) }
        router.delete("/metrics/**") { request, _ in
            let group = try Self.groupingLabels(request.uri.path)
            return try await ingest.handle(request, overrides: group) { batch, _ in
                try endSeries(of: group, except: [], in: &batch)
            }
        }
    }

    private func push(_ request: Request, replace: Bool) async throws -> Response {
        let group = try Self.groupingLabels(request.uri.path)
        return try await ingest.handle(request, overrides: group) { batch, request in
            let now = MetricsStorage.now()
            try await BodyBlocks(maxBytes: batch.limits.maxBodyBytes).read(
                request,
                transform: { try ParsedBlock($0, linesBefore: $1, defaultTimestamp: now, timestampsAllowed: false) },
                merge: { try batch.merge($0) })
            if replace {
                try endSeries(of: group, except: Set(batch.series), in: &batch)
            }
        }
    }

    /// Stages a staleness marker for each live series of the group not in `kept`.
    private func endSeries(of group: [Label], except kept: Set<Labels>, in batch: inout IngestBatch) throws {
        let storage = try ingest.access.openStorage()
        let now = MetricsStorage.now()
        let matchers = group.map { LabelMatcher.equal($0.name, $0.value) }
        let live = try storage.querier(minTime: now - storage.options.retention.milliseconds, maxTime: now).select(matchers)
        for series in live where !kept.contains(series.labels) {
            guard let last = series.samples.last, !last.value.isStaleMarker else { continue }
            try batch.add(series.labels, timestamp: max(now, last.timestamp + 1), value: .staleMarker, line: 0)
        }
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
