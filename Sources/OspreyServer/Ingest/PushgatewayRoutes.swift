import Foundation
import Hummingbird
import OspreyFormats
import OspreyIngest
import OspreyModel

/// The Prometheus pushgateway's URL scheme, `/metrics/job/<job>{/<label>/<value>}`, as
/// `prometheus_client.push_to_gateway` and batch jobs call it; what a group holds and how pushes
/// change it is `PushGroups`'s.
struct PushgatewayRoutes<Context: RequestContext> {
    let ingest: IngestGate
    /// The groups, or nil while the data folder is opening.
    let groups: @Sendable () -> PushGroups?

    func register(on router: Router<Context>) {
        router.put("/metrics/**") { request, _ in try await push(request, replace: true) }
        router.post("/metrics/**") { request, _ in try await push(request, replace: false) }
        router.delete("/metrics/**") { request, _ in
            let group = try Self.groupingLabels(request.uri.path)
            let groups = try openGroups()
            return try await groups.exclusively(group) {
                let response = try await ingest.handle(request, overrides: group) { batch, _ in
                    try endSeries(of: group, except: [], in: &batch, groups: groups)
                }
                try APIError.answering { () throws(IngestError) in try groups.remove(group) }
                return response
            }
        }
    }

    private func push(_ request: Request, replace: Bool) async throws -> Response {
        let group = try Self.groupingLabels(request.uri.path)
        let groups = try openGroups()
        return try await groups.exclusively(group) {
            var pushed: [Labels] = []
            let response = try await ingest.handle(request, overrides: group) { batch, request in
                let now = SystemClock().now()
                try await BodyBlocks(for: batch).read(
                    request,
                    transform: { try ParsedBlock($0, linesBefore: $1, defaultTimestamp: now, timestampsAllowed: false) },
                    merge: { try batch.merge($0) })
                pushed = batch.series
                if replace {
                    try endSeries(of: group, except: Set(batch.series), in: &batch, groups: groups)
                }
            }
            // Recorded once stored: a push refused leaves the group as it was.
            try APIError.answering { () throws(IngestError) in try groups.record(pushed, in: group, replacing: replace) }
            return response
        }
    }

    private func endSeries(of group: [Label], except kept: Set<Labels>, in batch: inout IngestBatch, groups: PushGroups) throws {
        try groups.endSeries(
            of: group, except: kept, in: &batch, reading: try ingest.access.openStorage(),
            retention: ingest.config.current.storage.retention, now: SystemClock().now())
    }

    private func openGroups() throws(APIError) -> PushGroups {
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
