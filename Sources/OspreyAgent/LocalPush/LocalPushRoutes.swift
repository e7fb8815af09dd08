import Hummingbird
import OspreyFormats
import OspreyModel
import OspreyStorage

/// The agent's local port: the server's push endpoints, so applications and scripts push to
/// their own machine and never wait on the network. A push is answered as soon as its samples
/// are in the agent's buffer (on disk), and shipped from there.
///
/// `/api/v1/import/prometheus` takes text format with or without timestamps (a sample without
/// one gets the moment it arrived); `/metrics/job/<job>{/<label>/<value>}` takes a
/// pushgateway push, its grouping labels added to every sample. PUT and POST both add: the
/// replacing of a PUT is the server's to do on what it has, and it never sees the group whole.
struct LocalPushRoutes<Context: RequestContext> {
    let appendable: any Appendable
    let selfMetrics: AgentSelfMetrics
    /// The largest body accepted, as on the server.
    var maxBodyBytes = 64 << 20

    func register(on router: Router<Context>) {
        router.post("/api/v1/import/prometheus") { request, _ in
            try await accept(request, groupingLabels: [], timestampsAllowed: true)
        }
        router.put("/metrics/**") { request, _ in try await pushgateway(request) }
        router.post("/metrics/**") { request, _ in try await pushgateway(request) }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: ExpositionFormat.text.contentType],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: ExpositionWriter(format: .text).write(selfMetrics.families))))
        }
        router.get("/-/healthy") { _, _ in "Osprey agent is healthy.\n" }
    }

    private func pushgateway(_ request: Request) async throws -> Response {
        let group: [Label]
        do {
            group = try PushgatewayPath.groupingLabels(request.uri.path)
        } catch {
            return Self.refusal(.badRequest, error.description)
        }
        return try await accept(request, groupingLabels: group, timestampsAllowed: false)
    }

    /// Reads the whole push first, so that a bad line refuses all of it and nothing is half-queued.
    private func accept(_ request: Request, groupingLabels: [Label], timestampsAllowed: Bool) async throws -> Response {
        if let encoding = request.headers[.contentEncoding], !encoding.isEmpty, encoding.lowercased() != "identity" {
            return Self.refusal(.unsupportedMediaType, "Content-Encoding \(encoding) is not taken on the local port; send plain text")
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maxBodyBytes)
        } catch {
            return Self.refusal(.contentTooLarge, "body larger than \(maxBodyBytes) bytes")
        }
        let now = SystemClock().now()
        var parser = ExpositionParser(bytes: Array(body.readableBytesView), format: .text)
        parser.collectsMetadata = true
        var samples: [(labels: Labels, timestamp: Timestamp, value: Double)] = []
        do {
            while let entry = try parser.next() {
                guard case .sample(let sample) = entry else { continue }
                if sample.timestamp != nil, !timestampsAllowed {
                    return Self.refusal(.badRequest, "line \(parser.line): pushed metrics must not carry timestamps")
                }
                var labels = sample.labels
                for label in groupingLabels { labels = labels.setting(label.name, to: label.value) }
                samples.append((labels, sample.timestamp ?? now, sample.value))
            }
        } catch {
            return Self.refusal(.badRequest, error.description)
        }
        var appender = appendable.appender()
        appender.updateMetadata(parser.metadata)
        for sample in samples {
            do {
                try appender.append(sample.labels, timestamp: sample.timestamp, value: sample.value)
            } catch {
                appender.rollback()
                return Self.refusal(.badRequest, error.description)
            }
        }
        do {
            try appender.commit()
        } catch {
            return Self.refusal(.internalServerError, "could not queue the samples: \(error)")
        }
        return Response(status: timestampsAllowed ? .noContent : .ok)
    }

    private static func refusal(_ status: HTTPResponse.Status, _ message: String) -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: message + "\n")))
    }
}
