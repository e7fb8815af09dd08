import Foundation
import Hummingbird
import Logging
import OspreyFormats
import OspreyTestSupport
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
        router.get("/hang") { _, _ -> Response in
            try await Task.sleep(for: .seconds(120))
            return Response(status: .ok)
        }
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
                timeout: 10s
                http:
                  preferred_ip_protocol: ip4
            probes:
              - job_name: website
                module: http_2xx
                interval: 5s
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

            // A scrape with a 1.5 s timeout gets its answer in time: the probe gives up after
            // 1 s (blackbox's half-second margin), before the module's own 10 s. (Scheduled probes
            // get 5 s, their interval, so that a loaded machine does not turn an answer into a timeout.)
            let hang = "http://127.0.0.1:\(site.port)/hang"
            let scraped = try await server.send(
                "/probe?module=http_2xx&target=\(hang)", method: .GET, headers: [("X-Prometheus-Scrape-Timeout-Seconds", "1.5")])
            let answer = try ExpositionParser.families(from: Array(scraped.body.utf8), format: .text)
            #expect(answer.first { $0.name == "probe_success" }?.samples.first?.value == 0)
            let took = try #require(answer.first { $0.name == "probe_duration_seconds" }?.samples.first?.value)
            #expect(took >= 0.9 && took < 1.9, "probe took \(took) s")
            let unreadable = try await server.send(
                "/probe?module=http_2xx&target=\(ok)", method: .GET, headers: [("X-Prometheus-Scrape-Timeout-Seconds", "soon")])
            #expect(unreadable.status == 500 && unreadable.body.contains("Failed to parse timeout"))
        }
    }

    /// The issue's schedule check: over 30 s at a 2 s interval each target is probed 15 times
    /// (±1), and a target that never answers delays no other.
    @Test(.needsAQuietMachine) func overThirtySecondsEachTargetIsProbedFifteenTimesAndAHangingOneDelaysNoOther() async throws {
        let site = try await Self.startSite()
        defer { Task { await site.group.triggerGracefulShutdown() } }
        let targets = ["ok", "broken", "hang"].map { "http://127.0.0.1:\(site.port)/\($0)" }
        let config = """
            probe_modules:
              http_2xx:
                prober: http
                http:
                  preferred_ip_protocol: ip4
            probes:
              - job_name: website
                module: http_2xx
                interval: 2s
                targets: [\(targets.map { "\"\($0)\"" }.joined(separator: ", "))]
            """
        try await TestServer.with(config: config) { server in
            // Probes are counted by the time they started, within the 30 s, so one that began in
            // time and is stored a little late still counts.
            let start = ContinuousClock.now
            let startMillis = Int64(Date().timeIntervalSince1970 * 1000)
            let window = startMillis..<startMillis + 30_000
            try await Task.sleep(until: start + .seconds(33))
            let series = try await server.select([.equal("__name__", "probe_success")])
            let counts = Dictionary(
                uniqueKeysWithValues: series.map { serie in
                    (serie.labels["instance"] ?? "", serie.samples.filter { window.contains($0.timestamp) }.count)
                })
            for target in targets.prefix(2) {
                #expect((14...16).contains(counts[target] ?? 0), "\(target): \(counts[target] ?? 0) probes")
            }
            #expect((counts[targets[2]] ?? 0) <= 16, "the hanging target's probes never pile up")
            let probes = try await server.get("/api/v1/probes").body
            #expect(probes.contains("timeout"), "\(probes)")
        }
    }

    @Test func probeCommandPrintsTheMetricsAndTheVerdict() async throws {
        let site = try await Self.startSite()
        defer { Task { await site.group.triggerGracefulShutdown() } }
        let folder = try TemporaryFolder()
        let blackbox = folder.path + "/blackbox.yml"
        // A generous timeout: the site answers from this test process, which a loaded machine slows.
        try "modules:\n  http_2xx:\n    prober: http\n    timeout: 15s\n".write(toFile: blackbox, atomically: true, encoding: .utf8)

        let passing = try await OspreyBinary.run(["probe", "http_2xx", "http://127.0.0.1:\(site.port)/ok", "--config", blackbox])
        #expect(passing.status == 0)
        #expect(passing.stdout.contains("probe_http_status_code 200"))
        #expect(passing.stdout.contains("SUCCESS in "))

        let failing = try await OspreyBinary.run(["probe", "http_2xx", "http://127.0.0.1:\(site.port)/broken", "--config", blackbox])
        #expect(failing.status == 1)
        #expect(failing.stdout.contains("FAILED: "))
        #expect(failing.stdout.contains("500"))
    }

    /// A fresh install knows blackbox exporter's modules; asking for one it does not know, or
    /// reading a config that is not there, is a usage error that exits 1 with the reason.
    @Test func probeCommandKnowsBlackboxModulesAndExitsOneOnUsageErrors() async throws {
        let site = try await Self.startSite()
        defer { Task { await site.group.triggerGracefulShutdown() } }
        let builtIn = try await OspreyBinary.run(["probe", "http_2xx", "http://127.0.0.1:\(site.port)/ok"])
        #expect(builtIn.status == 0, "\(builtIn.stdout)\(builtIn.stderr)")
        #expect(builtIn.stdout.contains("probe_http_status_code 200"))

        let unknown = try await OspreyBinary.run(["probe", "http_3xx", "http://127.0.0.1:\(site.port)/ok"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("unknown module \"http_3xx\"; known: "), "\(unknown.stderr)")
        #expect(unknown.stderr.contains("http_2xx") && unknown.stderr.contains("tcp_connect"), "\(unknown.stderr)")

        let missing = try await OspreyBinary.run(["probe", "http_2xx", "http://127.0.0.1:\(site.port)/ok", "--config", "/nonexistent.yml"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("nonexistent.yml"), "\(missing.stderr)")
    }

    @Test func aReloadStartsNewProbesAndStopsRemovedOnes() async throws {
        let site = try await Self.startSite()
        defer { Task { await site.group.triggerGracefulShutdown() } }
        let ok = "http://127.0.0.1:\(site.port)/ok"
        let broken = "http://127.0.0.1:\(site.port)/broken"
        @Sendable func config(_ targets: [String]) -> String {
            "probe_modules:\n  http_2xx:\n    prober: http\nprobes:\n  - job_name: website\n    module: http_2xx\n    interval: 1s\n"
                + "    targets: [\(targets.map { "\"\($0)\"" }.joined(separator: ", "))]\n"
        }
        try await TestServer.with(config: config([ok])) { server in
            try await server.eventually { try await server.get("/api/v1/probes").body.contains(#""health":"up""#) }
            try config([broken]).write(toFile: try #require(server.configPath), atomically: true, encoding: .utf8)
            #expect(try await server.post("/-/reload").status == 200)
            try await server.eventually {
                let probes = try await server.get("/api/v1/probes").body
                return probes.contains(#""health":"down""#) && !probes.contains("/ok")
            }
        }
    }
}
