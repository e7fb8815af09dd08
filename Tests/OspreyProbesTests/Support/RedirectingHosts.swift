import Hummingbird
import NIOCore
import Synchronization

/// Two loopback web servers that are two hosts to an HTTP client: `origin` on 127.0.0.1 and
/// `other` on 127.0.0.2, redirecting to each other, each recording the headers of every
/// request it gets, so a test sees what a probe sent on each hop of a redirect chain.
///
/// On the origin: `/away` redirects to the other host's `/landing`; `/here` to its own
/// `/final`; `/away-and-back` to the other host's `/bounce`, which redirects back to the
/// origin's `/back`; POST `/post-away` answers 307 to the other host's `/landing`.
final class RedirectingHosts: Sendable {
    struct Hop: Sendable {
        var host: String
        var method: String
        var path: String
        /// Header names lowercased; repeated headers joined with ", ".
        var headers: [String: String]
    }

    private let hops = Mutex<[Hop]>([])
    private let ports = Mutex<(origin: Int, other: Int)>((0, 0))
    private let tasks = Mutex<[Task<Void, any Error>]>([])

    var originPort: Int { ports.withLock { $0.origin } }
    var otherPort: Int { ports.withLock { $0.other } }
    var origin: String { "http://127.0.0.1:\(originPort)" }
    var other: String { "http://127.0.0.2:\(otherPort)" }

    /// Every request received so far, in order.
    var received: [Hop] { hops.withLock { $0 } }

    static func start() async throws -> RedirectingHosts {
        let hosts = RedirectingHosts()
        let origin = try await hosts.serve(on: "127.0.0.1") { router in
            router.get("away") { _, _ in Self.redirect(.found, to: hosts.other + "/landing") }
            router.get("here") { _, _ in Self.redirect(.found, to: "/final") }
            router.get("final") { _, _ in "final\n" }
            router.get("away-and-back") { _, _ in Self.redirect(.found, to: hosts.other + "/bounce") }
            router.get("back") { _, _ in "back\n" }
            router.post("post-away") { _, _ in Self.redirect(.temporaryRedirect, to: hosts.other + "/landing") }
        }
        let other = try await hosts.serve(on: "127.0.0.2") { router in
            router.get("landing") { _, _ in "landed\n" }
            router.post("landing") { _, _ in "landed\n" }
            router.get("bounce") { _, _ in Self.redirect(.found, to: hosts.origin + "/back") }
        }
        hosts.ports.withLock { $0 = (origin, other) }
        return hosts
    }

    /// The hop to `path` on the host listening at `address`.
    func hop(to path: String, on address: String) -> Hop? {
        received.first { $0.path == path && $0.host == address }
    }

    func stop() {
        for task in tasks.withLock({ $0 }) { task.cancel() }
    }

    private static func redirect(_ status: HTTPResponse.Status, to location: String) -> Response {
        Response(status: status, headers: [.location: location])
    }

    private func serve(on address: String, _ routes: (Router<BasicRequestContext>) -> Void) async throws -> Int {
        let router = Router()
        router.middlewares.add(Recorder(host: address, hops: self))
        routes(router)
        let (started, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname(address, port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) })
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        tasks.withLock { $0.append(task) }
        guard let port = await started.first(where: { _ in true }), port != 0 else { throw ServerDidNotStart(address: address) }
        return port
    }

    fileprivate func record(_ hop: Hop) {
        hops.withLock { $0.append(hop) }
    }

    struct ServerDidNotStart: Error {
        var address: String
    }

    private struct Recorder: RouterMiddleware {
        typealias Context = BasicRequestContext
        let host: String
        let hops: RedirectingHosts

        func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
            var headers: [String: String] = [:]
            for field in request.headers {
                let name = field.name.canonicalName
                headers[name] = headers[name].map { $0 + ", " + field.value } ?? field.value
            }
            hops.record(Hop(host: host, method: request.method.rawValue, path: request.uri.path, headers: headers))
            return try await next(request, context)
        }
    }
}
