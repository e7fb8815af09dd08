import Foundation
import Hummingbird
import Logging
import OspreyFormats
import ServiceLifecycle
import Testing

/// Probes in a running server: probe jobs from the config run on their schedule and store
/// blackbox exporter's series; `/probe` answers as blackbox exporter does; `/api/v1/probes`
/// says why a probe failed.
@Suite struct ProbeIntegrationTests {
    /// A web site that answers 200 on `/ok` and 500 on `/broken`.
    static func startSite() async throws -> (port: Int, group: ServiceGroup, task: Task<Void, any Error>) {
        let router = Router()
        router.get("/ok") { _, _ in "fine\n" }
        router.get("/broken") { _, _ -> Response in Response(status: .internalServerError) }
        var logger = Logger(label: "site")
        logger.logLevel = .critical
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: logger)
        let group = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: logger)
        let task = Task { try await group.run() }
        guard let port = await ports.first(where: { _ in true }) else { throw TestFailure("site did not start") }
        return (port, group, task)
    }

    @Test func probeJobsRunOnScheduleAndProbeAnswersAsBlackboxExporter() async throws {
        let site = try await Self.startSite()
        defer { Task { await site.group.triggerGracefulShutdown() } }
        let ok = "http://127.0.0.1:\(site.port)/ok"
        let broken = "http://127.0.0.1:\(site.port)/broken"
        let config = """
            probe_modules:
              http_2xx:
                prober: http
                timeout: 2s
                http:
                  preferred_ip_protocol: ip4
            probes:
              - job_name: website
                module: http_2xx
                interval: 1s
                targets: ["\(ok)", "\(broken)"]
                labels:
                  team: web
            """
        try await TestServer.with(config: config) { server in
            try await server.eventually {
                let series = try await server.select([.equal("__name__", "probe_success")])
                return series.count == 2 && series.allSatisfy { !$0.samples.isEmpty }
            }
            let success = try await server.select([.equal("__name__", "probe_success")])
            #expect(success.first { $0.labels["instance"] == ok }?.samples.last?.value == 1)
            #expect(success.first { $0.labels["instance"] == broken }?.samples.last?.value == 0)
            #expect(success.allSatisfy { $0.labels["job"] == "website" && $0.labels["team"] == "web" })
            let status = try await server.select([.equal("__name__", "probe_http_status_code"), .equal("instance", broken)])
            #expect(status.first?.samples.last?.value == 500)

            let probes = try await server.get("/api/v1/probes").body
            #expect(probes.contains(#""health":"down""#) && probes.contains("500"), "\(probes)")

            let reply = try await server.get("/probe?module=http_2xx&target=\(ok)")
            #expect(reply.status == 200)
            let families = try ExpositionParser.families(from: Array(reply.body.utf8), format: .text)
            #expect(families.first { $0.name == "probe_success" }?.samples.first?.value == 1)
            #expect(families.first { $0.name == "probe_http_status_code" }?.samples.first?.value == 200)
            #expect(families.contains { $0.name == "probe_duration_seconds" })

            let unknown = try await server.get("/probe?module=nope&target=\(ok)")
            #expect(unknown.status == 400 && unknown.body.contains("Unknown module \"nope\""))
        }
    }
}
