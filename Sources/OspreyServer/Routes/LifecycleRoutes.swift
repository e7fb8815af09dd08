import Hummingbird
import Synchronization

/// Whether the server can take traffic: false until storage is open.
public final class Readiness: Sendable {
    private let ready = Atomic<Bool>(false)
    public init() {}
    public var isReady: Bool { ready.load(ordering: .acquiring) }
    func set(_ value: Bool) { ready.store(value, ordering: .releasing) }
}

/// `/-/healthy`, `/-/ready` and `/-/reload`, shaped like Prometheus's. Health and readiness are
/// open to load balancers; with `auth.tokens`, a reload needs an `admin` token.
struct LifecycleRoutes<Context: RequestContext> {
    let readiness: Readiness
    let config: ConfigStore
    let authorizer: Authorizer

    func register(on router: Router<Context>) {
        router.on("/-/healthy", method: .get) { _, _ in Response.text("Osprey is Healthy.\n") }
        router.on("/-/healthy", method: .head) { _, _ in Response.text("") }
        router.on("/-/ready", method: .get) { _, _ in readinessResponse() }
        router.on("/-/ready", method: .head) { _, _ in readinessResponse() }
        router.on("/-/reload", method: .post) { request, _ in try reload(request) }
        router.on("/-/reload", method: .put) { request, _ in try reload(request) }
        router.on("/-/reload", method: .get) { _, _ in
            var response = Response.text("Only POST or PUT requests allowed.\n", status: .methodNotAllowed)
            response.headers[.allow] = "POST, PUT"
            return response
        }
    }

    private func readinessResponse() -> Response {
        readiness.isReady
            ? Response.text("Osprey is Ready.\n") : Response.text("Service Unavailable\n", status: .serviceUnavailable)
    }

    /// A refused config answers 500, as Prometheus does: the request was fine, the file is not.
    private func reload(_ request: Request) throws(APIError) -> Response {
        try authorizer.require(.admin, for: request)
        do {
            try config.reload()
            return Response.text("")
        } catch {
            return Response.text("failed to reload config: \(error)\n", status: .internalServerError)
        }
    }
}
