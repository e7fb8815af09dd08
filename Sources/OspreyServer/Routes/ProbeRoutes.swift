import HTTPTypes
import Hummingbird
import OspreyConfig
import OspreyFormats
import OspreyGoCompat
import OspreyModel
import OspreyProbes
import OspreyRules
import ServiceLifecycle

/// `/probe?module=M&target=T`, which runs one probe now and answers as blackbox exporter's
/// `/probe` does (so a Prometheus that scrapes blackbox can scrape Osprey instead), and
/// `/api/v1/probes`, the last result of every scheduled probe.
///
/// `/probe` makes Osprey connect where a request says, so it is bounded: a module reaches only
/// targets its `allowed_targets` names (a module with credentials reaches none until it names
/// some); each probe takes a slot of `probes.max_concurrent`, shared with scheduled probes, or
/// is refused with 429; and it ends when its client goes away or the server stops.
struct ProbeRoutes<Context: ConnectionRequestContext> {
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
        router.get("/probe") { request, context -> Response in
            try gate.access.authorize(request)
            let parameters = request.uri.queryParameters
            guard let moduleName = parameters.get("module"), !moduleName.isEmpty else {
                return Response.text("Module parameter is missing\n", status: .badRequest)
            }
            let current = config.current
            guard let module = current.probeModule(named: moduleName) else {
                return Response.text("Unknown module \"\(moduleName)\"\n", status: .badRequest)
            }
            guard let target = parameters.get("target"), !target.isEmpty else {
                return Response.text("Target parameter is missing\n", status: .badRequest)
            }
            if let refusal = module.adHocRefusal(of: target, module: moduleName) {
                return Response.text(refusal + "\n", status: .forbidden)
            }
            let timeout: Duration
            do {
                timeout = try ScrapeTimeout.probeTimeout(
                    header: request.headers[.prometheusScrapeTimeout], module: module.timeout)
            } catch {
                return Response.text("\(error)\n", status: .internalServerError)
            }
            let disconnect = await ClientDisconnectHandler.signal(of: context.channel)
            let ran = await probes.slots.withFreeSlot {
                await Self.probeUntilAbandoned(disconnect: disconnect) {
                    await ProbeRunner.probe(target, module: module, timeout: timeout)
                }
            }
            guard let ran else {
                var response = Response.text(
                    "too many probes in flight (probes.max_concurrent is \(current.probes.maxConcurrent)); retry shortly\n",
                    status: .tooManyRequests)
                response.headers[.retryAfter] = "1"
                return response
            }
            guard let result = ran else {
                return Response.text("the probe was cancelled: the client went away or the server is stopping\n", status: .serviceUnavailable)
            }
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

    /// Runs `probe` until it ends, its client goes away or the server begins to stop; in the
    /// last two cases it is cancelled (and nil comes back once it has let go of its sockets).
    private static func probeUntilAbandoned(
        disconnect: DisconnectSignal?, _ probe: @escaping @Sendable () async -> ProbeResult
    ) async -> ProbeResult? {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: ProbeResult?.self) { group in
                group.addTask { await probe() }
                if let disconnect {
                    group.addTask {
                        await disconnect.wait()
                        return nil
                    }
                }
                let first = await group.next() ?? nil
                group.cancelAll()
                return Task.isCancelled ? nil : first
            }
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
