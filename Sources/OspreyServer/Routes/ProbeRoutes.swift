import HTTPTypes
import Hummingbird
import OspreyFormats
import OspreyModel
import OspreyProbes
import OspreyRules

/// `/probe?module=M&target=T`, which runs one probe now and answers as blackbox exporter's
/// `/probe` does (so a Prometheus that scrapes blackbox can scrape Osprey instead), and
/// `/api/v1/probes`, the last result of every scheduled probe.
struct ProbeRoutes<Context: RequestContext> {
    let config: ConfigStore
    let probes: ProbeService
    /// Both read with a `query` (or `admin`) token when auth is on: `/probe` makes Osprey call out.
    let gate: QueryGate

    struct Envelope: ResponseEncodable {
        var status = "success"
        var data: Payload
    }

    struct Payload: Encodable, Sendable {
        var probes: [Entry]
    }

    struct Entry: Encodable, Sendable {
        var job: String
        var target: String
        var module: String
        var health: String
        var lastSuccess: String?
        var lastProbe: String?
        var lastDuration: Double?
        var lastError: String?
        var skippedTurns: Int
    }

    func register(on router: Router<Context>) {
        router.get("/probe") { request, _ -> Response in
            try gate.access.authorize(request)
            let parameters = request.uri.queryParameters
            guard let moduleName = parameters.get("module"), !moduleName.isEmpty else {
                return Response.text("Module parameter is missing\n", status: .badRequest)
            }
            guard let module = config.current.probeModules[moduleName] else {
                return Response.text("Unknown module \"\(moduleName)\"\n", status: .badRequest)
            }
            guard let target = parameters.get("target"), !target.isEmpty else {
                return Response.text("Target parameter is missing\n", status: .badRequest)
            }
            let timeout: Duration
            do {
                timeout = try ScrapeTimeout.probeTimeout(
                    header: request.headers[.prometheusScrapeTimeout], module: module.timeout)
            } catch {
                return Response.text("\(error)\n", status: .internalServerError)
            }
            let result = await ProbeRunner.probe(target, module: module, timeout: timeout)
            return Response(
                status: .ok, headers: [.contentType: ExpositionFormat.text.contentType],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: result.exposition)))
        }
        router.get("/api/v1/probes") { request, _ in
            try gate.access.authorize(request)
            let statuses = await probes.scheduler.statuses()
            return Envelope(data: Payload(probes: statuses.map(Self.entry)))
        }
    }

    private static func entry(_ status: ProbeStatus) -> Entry {
        Entry(
            job: status.probe.job, target: status.probe.target, module: status.probe.module,
            health: status.lastSucceeded.map { $0 ? "up" : "down" } ?? "unknown",
            lastSuccess: status.lastSuccess?.rfc3339Nano, lastProbe: status.lastProbe?.rfc3339Nano,
            lastDuration: status.lastDuration?.seconds, lastError: status.lastError, skippedTurns: status.skipped)
    }
}

extension HTTPField.Name {
    /// Sent by Prometheus with every scrape: the seconds it will wait for the answer.
    static var prometheusScrapeTimeout: Self {
        // A valid token, so the initializer cannot fail.
        Self("X-Prometheus-Scrape-Timeout-Seconds")!
    }
}
