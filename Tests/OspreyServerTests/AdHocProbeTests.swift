import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import OspreyFormats
import OspreyTestSupport
import ServiceLifecycle
import Synchronization
import Testing

/// `/probe` as an attacker with a query token meets it: the module's credentials reach only
/// targets the operator named and never follow a redirect to another host; a flood of probes
/// of a host that never answers is bounded by `probes.max_concurrent` (429 beyond it) while the
/// server keeps answering; a client that goes away frees its slot; a stop ends every probe.
@Suite struct AdHocProbeTests {
    @Test func credentialsReachOnlyAllowedTargetsAndNeverAnotherHostThroughARedirect() async throws {
        let site = try await TwoHostSite.start()
        defer { site.stop() }
        let config = """
            probe_modules:
              bearer:
                prober: http
                http:
                  bearer_token: probe-token-1
                  preferred_ip_protocol: ip4
              bearer_listed:
                prober: http
                allowed_targets: ['http://127\\.0\\.0\\.1:\(site.originPort)/.*']
                http:
                  bearer_token: probe-token-1
                  headers: {X-Api-Key: api-key-2}
                  preferred_ip_protocol: ip4
            """
        try await TestServer.with(config: config) { server in
            let unlisted = try await server.get("/probe?module=bearer&target=\(site.origin)/away")
            #expect(unlisted.status == 403, "\(unlisted.body)")
            #expect(unlisted.body.contains("module \"bearer\" sends credentials") && unlisted.body.contains("allowed_targets"))
            let elsewhere = try await server.get("/probe?module=bearer_listed&target=\(site.other)/landing")
            #expect(elsewhere.status == 403, "\(elsewhere.body)")
            #expect(elsewhere.body.contains("is not allowed for module \"bearer_listed\""))
            #expect(site.received.isEmpty, "a refused probe makes no request: \(site.received)")

            let listed = try await server.get("/probe?module=bearer_listed&target=\(site.origin)/away")
            #expect(listed.status == 200, "\(listed.body)")
            let families = try ExpositionParser.families(from: Array(listed.body.utf8), format: .text)
            #expect(families.first { $0.name == "probe_success" }?.samples.first?.value == 1, "\(listed.body)")
            #expect(families.first { $0.name == "probe_http_redirects" }?.samples.first?.value == 1)
            let first = try #require(site.received.first { $0.path == "/away" })
            #expect(first.authorization == "Bearer probe-token-1" && first.apiKey == "api-key-2")
            let landed = try #require(site.received.first { $0.path == "/landing" }, "the redirect was followed")
            #expect(landed.host == "127.0.0.2")
            #expect(landed.authorization == nil && landed.apiKey == nil, "credentials went to another host: \(landed)")

            // Nor does the config page show them.
            let page = try await server.get("/api/v1/status/config")
            #expect(page.status == 200)
            #expect(!page.body.contains("probe-token-1") && !page.body.contains("api-key-2"), "\(page.body)")
            #expect(page.body.contains("X-Api-Key: <secret>"), "\(page.body)")
        }
    }

    @Test func blackboxModulesAreBuiltIn() async throws {
        let site = try await TwoHostSite.start()
        defer { site.stop() }
        try await TestServer.with { server in
            let reply = try await server.get("/probe?module=http_2xx&target=\(site.origin)/final")
            #expect(reply.status == 200, "\(reply.body)")
            let families = try ExpositionParser.families(from: Array(reply.body.utf8), format: .text)
            #expect(families.first { $0.name == "probe_success" }?.samples.first?.value == 1, "\(reply.body)")
            let tcp = try await server.get("/probe?module=tcp_connect&target=127.0.0.1:\(site.originPort)")
            #expect(tcp.body.contains("probe_success 1"), "\(tcp.body)")
        }
    }

    /// The issue's flood, scaled to a bound of 4: probes of a host that accepts and never answers
    /// hold their slots; more get 429 with `Retry-After` at once; health checks keep answering;
    /// clients that hang up free their slots and sockets.
    @Test(.needsAQuietMachine) func aFloodOfProbesOfAHostThatNeverAnswersIsBoundedAndFreedByDisconnects() async throws {
        let blackHole = try await BlackHole.start()
        let site = try await TwoHostSite.start()
        defer {
            site.stop()
            Task { try? await blackHole.stop() }
        }
        let config = "probes:\n  max_concurrent: 4\n"
        try await TestServer.with(config: config) { server in
            let target = "/probe?module=http_2xx&target=http://127.0.0.1:\(blackHole.port)/"
            let hanging = (0..<4).map { _ in
                Task { try await HTTPClient.shared.execute(HTTPClientRequest(url: server.baseURL + target), timeout: .seconds(300)) }
            }
            try await server.eventually { blackHole.open == 4 }

            for _ in 0..<6 {
                let started = ContinuousClock.now
                let refused = try await server.get(target)
                #expect(refused.status == 429, "\(refused.body)")
                #expect(refused.headers["retry-after"] == "1")
                #expect(refused.body.contains("probes.max_concurrent is 4"))
                #expect(ContinuousClock.now - started < .seconds(5), "refused at once, not queued")
            }
            #expect(blackHole.open == 4, "refused probes made no connection")
            for _ in 0..<5 {
                let started = ContinuousClock.now
                #expect(try await server.get("/-/healthy").status == 200)
                #expect(ContinuousClock.now - started < .seconds(1))
            }

            for task in hanging { task.cancel() }
            try await server.eventually { blackHole.open == 0 }
            try await server.eventually {
                try await server.get("/probe?module=http_2xx&target=\(site.origin)/final").body.contains("probe_success 1")
            }
        }
    }

    /// SIGTERM of the `osprey` binary while http and tcp probes of a host that never answers are
    /// in flight: the server stops within 5 s, its probes with it.
    @Test func sigtermEndsProbesInFlightWithinSeconds() async throws {
        let blackHole = try await BlackHole.start()
        defer { Task { try? await blackHole.stop() } }
        let server = try ServerProcess()
        try await server.start()
        let base = server.base

        // http probes, and tcp ones waiting for a banner that never comes. Eight in all: the shared
        // client opens at most eight connections to one host.
        let targets =
            Array(repeating: "/probe?module=http_2xx&target=http://127.0.0.1:\(blackHole.port)/", count: 4)
            + Array(repeating: "/probe?module=ssh_banner&target=127.0.0.1:\(blackHole.port)", count: 4)
        let hanging = targets.map { target in
            Task { try await HTTPClient.shared.execute(HTTPClientRequest(url: base + target), timeout: .seconds(300)) }
        }
        defer { for task in hanging { task.cancel() } }
        try await eventually { blackHole.open == 8 }

        #expect(try await server.terminate(within: .seconds(5)), "SIGTERM took over 5 s; log:\n\(server.log)")
        #expect(!server.isRunning && server.terminationStatus == 0, "log:\n\(server.log)")
        try await eventually { blackHole.open == 0 }
    }
}

/// Two loopback hosts to an HTTP client, 127.0.0.1 and 127.0.0.2: `/away` on the first
/// redirects to `/landing` on the second; `/final` answers 200. Every request is recorded with
/// the headers a leaked credential would be in.
private final class TwoHostSite: Sendable {
    struct Hit: Sendable, CustomStringConvertible {
        var host: String
        var path: String
        var authorization: String?
        var apiKey: String?
        var description: String { "\(host)\(path) authorization=\(authorization ?? "-") x-api-key=\(apiKey ?? "-")" }
    }

    private let hits = Mutex<[Hit]>([])
    private let ports = Mutex((origin: 0, other: 0))
    private let tasks = Mutex<[Task<Void, any Error>]>([])

    var originPort: Int { ports.withLock { $0.origin } }
    var origin: String { "http://127.0.0.1:\(originPort)" }
    var other: String { "http://127.0.0.2:\(ports.withLock { $0.other })" }
    var received: [Hit] { hits.withLock { $0 } }

    static func start() async throws -> TwoHostSite {
        let site = TwoHostSite()
        let origin = try await site.serve(on: "127.0.0.1") { router in
            router.get("away") { _, _ in Response(status: .found, headers: [.location: site.other + "/landing"]) }
            router.get("final") { _, _ in "final\n" }
        }
        let other = try await site.serve(on: "127.0.0.2") { router in
            router.get("landing") { _, _ in "landed\n" }
        }
        site.ports.withLock { $0 = (origin, other) }
        return site
    }

    func stop() {
        for task in tasks.withLock({ $0 }) { task.cancel() }
    }

    private func serve(on host: String, _ routes: (Router<BasicRequestContext>) -> Void) async throws -> Int {
        let router = Router()
        router.middlewares.add(Recorder(host: host, site: self))
        routes(router)
        var logger = Logger(label: "site")
        logger.logLevel = .critical
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname(host, port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: logger)
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        tasks.withLock { $0.append(task) }
        guard let port = await ports.first(where: { _ in true }), port != 0 else { throw TestFailure("site on \(host) did not start") }
        return port
    }

    fileprivate func record(_ hit: Hit) {
        hits.withLock { $0.append(hit) }
    }

    private struct Recorder: RouterMiddleware {
        typealias Context = BasicRequestContext
        let host: String
        let site: TwoHostSite

        func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
            site.record(
                Hit(
                    host: host, path: request.uri.path, authorization: request.headers[.authorization],
                    apiKey: HTTPField.Name("X-Api-Key").flatMap { request.headers[$0] }))
            return try await next(request, context)
        }
    }
}
