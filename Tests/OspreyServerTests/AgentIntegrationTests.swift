import AsyncHTTPClient
import Foundation
import NIOCore
import OspreyTestSupport
import Testing

extension EndToEndTests {
    /// `osprey agent` beside `osprey server`, both run as their binaries on loopback, as a user
    /// runs them: host metrics arrive with the host as `instance` and the values node_exporter
    /// reports; a server outage, and an agent killed during one, lose nothing.
    @Suite struct AgentIntegrationTests {
        static let nodeExporter = "/usr/bin/prometheus-node-exporter"
        let host = ProcessInfo.processInfo.hostName

        @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: nodeExporter)))
        func hostMetricsArriveWithTheHostAsInstanceAndNodeExportersValues() async throws {
            let osprey = try OspreyProcesses()
            let server = try await osprey.startServer()
            defer { Task { try? await server.stop() } }
            let exporterPort = try PeerProcess.freePort()
            let exporter = try PeerProcess.start(Self.nodeExporter, ["--web.listen-address=127.0.0.1:\(exporterPort)"])
            defer { Task { try? await exporter.stop() } }
            // The agent also scrapes a local app (here node_exporter itself) and probes the server.
            let agent = try await osprey.startAgent(
                extraConfig: """
                    scrape_configs:
                      - job_name: local-app
                        static_configs: [{targets: ["127.0.0.1:\(exporterPort)"]}]
                    probe_modules:
                      http_2xx: {prober: http, timeout: 2s}
                    probes:
                      - job_name: osprey-health
                        module: http_2xx
                        targets: ["\(osprey.serverURL)/-/healthy"]
                    """)
            defer { Task { try? await agent.stop() } }

            try await eventually(timeout: .seconds(60)) {
                try await !osprey.samples("node_memory_MemTotal_bytes{instance=\"\(host)\"}", window: "1m").isEmpty
            }
            var reference = ""
            try await eventually(timeout: .seconds(60)) {
                reference = (try? await OspreyProcesses.get("http://127.0.0.1:\(exporterPort)/metrics").body) ?? ""
                return reference.contains("node_memory_MemTotal_bytes")
            }
            func exported(_ series: String) -> Double? {
                reference.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
            }
            func shipped(_ selector: String) async throws -> Double? {
                try await osprey.samples(selector, window: "1m").first?.samples.last?.1
            }
            #expect(try await shipped("node_memory_MemTotal_bytes{instance=\"\(host)\"}") == exported("node_memory_MemTotal_bytes"))
            #expect(try await shipped("node_memory_SwapTotal_bytes{instance=\"\(host)\"}") == exported("node_memory_SwapTotal_bytes"))
            let boot = try #require(try await shipped("node_boot_time_seconds{instance=\"\(host)\"}"))
            #expect(abs(boot - (exported("node_boot_time_seconds") ?? 0)) <= 1)
            let root =
                #"node_filesystem_size_bytes{device="\#(Self.rootDevice(reference) ?? "")",fstype="\#(Self.rootType(reference) ?? "")",mountpoint="/"}"#
            if let size = exported(root) {
                #expect(try await shipped(#"node_filesystem_size_bytes{mountpoint="/",instance="\#(host)"}"#) == size)
            }
            try await eventually(timeout: .seconds(60)) {
                try await osprey.samples(#"up{job="local-app",instance="127.0.0.1:\#(exporterPort)"}"#, window: "1m").first?.samples.last?.1 == 1
            }
            try await eventually(timeout: .seconds(60)) {
                try await osprey.samples(#"probe_success{job="osprey-health"}"#, window: "1m").first?.samples.last?.1 == 1
            }
            let cpus = try await osprey.samples(#"node_cpu_seconds_total{mode="idle",instance="\#(host)"}"#, window: "1m")
            #expect(
                cpus.count
                    == reference.split(separator: "\n").filter { $0.hasPrefix("node_cpu_seconds_total{") && $0.contains("mode=\"idle\"") }.count)

            // TYPE and HELP travel too: of the host collectors (node_load1) and of the scraped
            // app (go_goroutines), as node_exporter's page has them.
            func help(_ metric: String) -> String? {
                reference.split(separator: "\n").first { $0.hasPrefix("# HELP \(metric) ") }.map { String($0.dropFirst("# HELP \(metric) ".count)) }
            }
            let metadata = try await OspreyProcesses.get(osprey.serverURL + "/api/v1/metadata").body
            for metric in ["node_load1", "go_goroutines"] {
                let expected = try #require(help(metric))
                #expect(metadata.contains(#""\#(metric)":[{"type":"gauge","help":"\#(expected)","unit":""}]"#), "\(metric): \(metadata.prefix(500))")
            }
        }

        /// The server is away for 30 s while the agent runs and a business script pushes to the
        /// agent's local port: the script is answered at once, and once the server is back the
        /// host's series has a sample every interval through the outage, none twice, the script's
        /// sample arrives with the time it was pushed, and the agent's queue drains.
        @Test(.enabled(if: PrometheusAPIClientTests.pythonAvailable))
        func aThirtySecondOutageLeavesNoGap() async throws {
            var osprey = try OspreyProcesses()
            osprey.interval = "2s"
            let server = try await osprey.startServer()
            let agent = try await osprey.startAgent()
            defer { Task { try? await agent.stop() } }
            let load = "node_load1{instance=\"\(host)\"}"
            try await eventually(timeout: .seconds(60)) { try await (osprey.samples(load, window: "1m").first?.samples.count ?? 0) >= 3 }

            try await server.stop()
            let outageStart = Date().timeIntervalSince1970
            // A business script, as written with PyPI's prometheus_client, pushes to the local agent.
            let pushed = Date().timeIntervalSince1970
            _ = try await Command.run(
                "/usr/bin/env",
                [
                    "python3", "-c",
                    """
                    from prometheus_client import CollectorRegistry, Counter, push_to_gateway
                    registry = CollectorRegistry()
                    Counter("orders", "Orders taken", ["shop"], registry=registry).labels("berlin").inc(42)
                    push_to_gateway("127.0.0.1:\(osprey.agentPort)", job="checkout", registry=registry, timeout=5)
                    """,
                ])
            #expect(Date().timeIntervalSince1970 - pushed < 5, "the local port answers without waiting for the server")
            try await Task.sleep(for: .seconds(30))
            let restarted = try await osprey.startServer()
            defer { Task { try? await restarted.stop() } }
            let outageEnd = Date().timeIntervalSince1970

            try await eventually(timeout: .seconds(120)) { try await osprey.agentMetric("osprey_agent_queue_samples") == 0 }
            try await eventually(timeout: .seconds(60)) {
                try await (osprey.samples(load, window: "5m").first?.samples.last?.0 ?? 0) > outageEnd
            }
            let times = try #require(try await osprey.samples(load, window: "5m").first).samples.map(\.0)
            #expect(zip(times, times.dropFirst()).allSatisfy { $0 < $1 }, "no sample twice")
            let during = times.filter { $0 > outageStart && $0 < outageEnd }
            #expect(during.count >= Int(outageEnd - outageStart) / 2 - 1, "\(during.count) samples in \(outageEnd - outageStart) s of outage")
            let gaps = zip(times, times.dropFirst()).map { $1 - $0 }
            #expect((gaps.max() ?? 0) < 5, "largest gap \(gaps.max() ?? 0) s at a 2 s interval")

            let sent = try await osprey.agentMetric("osprey_agent_samples_sent_total")
            let orders = try #require(
                try await osprey.samples(#"orders_total{job="checkout",shop="berlin"}"#, window: "5m").first,
                "the pushed sample arrived (agent sent \(sent ?? 0) samples)")
            #expect(orders.samples.map(\.1) == [42])
            #expect(abs((orders.samples.first?.0 ?? 0) - pushed) < 2, "kept the time it was pushed")
        }

        /// Killed with SIGKILL during an outage and started again, the agent still delivers what it
        /// had queued before it died.
        @Test func anAgentKilledDuringAnOutageDeliversWhatItHadQueued() async throws {
            let osprey = try OspreyProcesses()
            let server = try await osprey.startServer()
            let agent = try await osprey.startAgent()
            let load = "node_load1{instance=\"\(host)\"}"
            try await eventually(timeout: .seconds(60)) { try await !osprey.samples(load, window: "1m").isEmpty }

            try await server.stop()
            let outageStart = Date().timeIntervalSince1970
            // Several collections queue up while nobody can take them.
            try await eventually(timeout: .seconds(60)) { try await (osprey.agentMetric("osprey_agent_queue_samples") ?? 0) > 0 }
            try await Task.sleep(for: .seconds(5))
            try await agent.stop()
            let killed = Date().timeIntervalSince1970

            let restartedAgent = try await osprey.startAgent()
            defer { Task { try? await restartedAgent.stop() } }
            let restartedServer = try await osprey.startServer()
            defer { Task { try? await restartedServer.stop() } }
            try await eventually(timeout: .seconds(120)) { try await osprey.agentMetric("osprey_agent_queue_samples") == 0 }
            let times = try #require(try await osprey.samples(load, window: "5m").first).samples.map(\.0)
            let beforeTheKill = times.filter { $0 > outageStart && $0 < killed }
            #expect(beforeTheKill.count >= Int(killed - outageStart) - 2, "\(beforeTheKill.count) samples queued before the kill arrived")
        }

        private static func rootDevice(_ page: String) -> String? { rootLabel("device", page) }
        private static func rootType(_ page: String) -> String? { rootLabel("fstype", page) }

        private static func rootLabel(_ name: String, _ page: String) -> String? {
            guard
                let line = page.split(separator: "\n").first(where: { $0.hasPrefix("node_filesystem_size_bytes{") && $0.contains(#"mountpoint="/""#) }
                ),
                let start = line.range(of: name + "=\"")
            else { return nil }
            return String(line[start.upperBound...].prefix { $0 != "\"" })
        }
    }
}
