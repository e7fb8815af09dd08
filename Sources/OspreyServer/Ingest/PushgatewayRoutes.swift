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

    /// The grouping labels of a pushgateway path: name/value pairs after `/metrics/`, the first
    /// being `job`; a name ending in `@base64` has its value in URL-safe base64.
    static func groupingLabels(_ path: String) throws(APIError) -> [Label] {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst(2).map {
            String($0).removingPercentEncoding ?? String($0)
        }
        guard parts.count >= 2, parts.count % 2 == 0 else {
            throw .badData("pushgateway path must be /metrics/job/<job>{/<label>/<value>}, got \(path)")
        }
        var labels: [Label] = []
        for index in stride(from: 0, to: parts.count, by: 2) {
            var name = parts[index]
            var value = parts[index + 1]
            if name.hasSuffix("@base64") {
                name.removeLast("@base64".count)
                guard let decoded = Self.base64URL(value) else {
                    throw .badData("the value of \(name) is not URL-safe base64: \(value)")
                }
                value = decoded
            }
            guard MetricNames.isValidLabelName(name) else { throw .badData("invalid label name \"\(name)\" in the path") }
            if index == 0, name != "job" { throw .badData("pushgateway path must start with /metrics/job/") }
            if name == "job", value.isEmpty { throw .badData("job name must not be empty") }
            labels.append(Label(name, value))
        }
        return labels
    }

    /// Decodes URL-safe base64 with or without padding; `=` alone is the empty string.
    private static func base64URL(_ text: String) -> String? {
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        standard = standard.trimmingCharacters(in: CharacterSet(charactersIn: "="))
        standard += String(repeating: "=", count: (4 - standard.count % 4) % 4)
        guard let data = Data(base64Encoded: standard) else { return nil }
        return String(data: data, encoding: .utf8)
    }
}
