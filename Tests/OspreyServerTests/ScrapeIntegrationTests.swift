import AsyncHTTPClient
import Foundation
import NIOCore
import OspreyTestSupport
import Testing

/// Scraping real targets as a Prometheus user runs them: Debian's node_exporter and an app
/// instrumented with PyPI's prometheus_client, both on loopback, read back through the query
/// and targets APIs.
@Suite struct ScrapeIntegrationTests {
    static let nodeExporter = "/usr/bin/prometheus-node-exporter"

    private func config(_ jobs: [(name: String, target: String)]) -> String {
        "scrape_configs:\n"
            + jobs.map { job in
                """
                  - job_name: \(job.name)
                    scrape_interval: 1s
                    static_configs:
                      - targets: ["\(job.target)"]

                """
            }.joined()
    }

    /// The instant vector of `query` now, as label sets and values, once the storage is open.
    private func instant(_ server: TestServer, _ query: String) async throws -> [(labels: [String: String], value: String)] {
        try await server.eventually { try await server.get("/-/ready").status == 200 }
        let escaped = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? query
        let reply = try await server.get("/api/v1/query?query=\(escaped)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any])
        let data = try #require(json["data"] as? [String: Any])
        let result = try #require(data["result"] as? [[String: Any]])
        return result.map { entry in
            ((entry["metric"] as? [String: String]) ?? [:], ((entry["value"] as? [Any])?.last as? String) ?? "")
        }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: nodeExporter)))
    func nodeExporterSeriesArriveAndGoStaleWhenItStops() async throws {
        let port = try PeerProcess.freePort()
        let exporter = try PeerProcess.start(
            Self.nodeExporter, ["--web.listen-address=127.0.0.1:\(port)", "--collector.disable-defaults", "--collector.loadavg", "--collector.cpu"])
        let instance = "127.0.0.1:\(port)"
        try await TestServer.with(config: config([("node", instance)])) { server in
            try await server.eventually {
                try await instant(server, "up{job=\"node\"}").first?.value == "1"
            }
            let load = try await instant(server, "node_load1")
            #expect(load.count == 1)
            #expect(load.first?.labels["job"] == "node")
            #expect(load.first?.labels["instance"] == instance)
            #expect(try await !instant(server, "node_cpu_seconds_total{mode=\"idle\"}").isEmpty)

            try await exporter.stop()
            try await server.eventually { try await instant(server, "up{job=\"node\"}").first?.value == "0" }
            #expect(try await instant(server, "node_load1").isEmpty, "the series went stale with the failed scrape")
        }
    }

    static let prometheus = "/usr/bin/prometheus"

    /// `/api/v1/metadata` of a Prometheus and of Osprey scraping the same node_exporter agree:
    /// the same families, each with the same type, help and unit.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: nodeExporter) && FileManager.default.isExecutableFile(atPath: prometheus)))
    func metadataIsWhatPrometheusReportsForTheSameTarget() async throws {
        let folder = try TemporaryFolder()
        let exporterPort = try PeerProcess.freePort()
        let exporter = try PeerProcess.start(
            Self.nodeExporter,
            [
                "--web.listen-address=127.0.0.1:\(exporterPort)", "--collector.disable-defaults", "--collector.loadavg", "--collector.cpu",
                "--collector.meminfo",
            ])
        let instance = "127.0.0.1:\(exporterPort)"
        try config([("node", instance)]).write(toFile: folder.path + "/prometheus.yml", atomically: true, encoding: .utf8)
        let prometheusPort = try PeerProcess.freePort()
        let prometheus = try PeerProcess.start(
            Self.prometheus,
            [
                "--config.file=\(folder.path)/prometheus.yml", "--storage.tsdb.path=\(folder.path)/prometheus-data",
                "--web.listen-address=127.0.0.1:\(prometheusPort)",
            ])
        defer {
            Task {
                try? await prometheus.stop()
                try? await exporter.stop()
            }
        }
        @Sendable func metadata(_ body: String) throws -> [String: Set<[String: String]>] {
            let json = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
            let data = try #require(json["data"] as? [String: [[String: String]]])
            return data.mapValues { Set($0) }
        }
        @Sendable func prometheusMetadata() async throws -> [String: Set<[String: String]>] {
            let request = HTTPClientRequest(url: "http://127.0.0.1:\(prometheusPort)/api/v1/metadata")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
            return try metadata(String(buffer: try await response.body.collect(upTo: 16 << 20)))
        }
        try await TestServer.with(config: config([("node", instance)])) { server in
            try await server.eventually(timeout: .seconds(90)) {
                (try? await prometheusMetadata())?["node_load1"] != nil
            }
            try await server.eventually(timeout: .seconds(30)) {
                try metadata(try await server.get("/api/v1/metadata").body)["node_load1"] != nil
            }
            let expected = try await prometheusMetadata()
            let got = try metadata(try await server.get("/api/v1/metadata").body)
            #expect(got.keys.sorted() == expected.keys.sorted())
            for (metric, descriptions) in expected {
                #expect(got[metric] == descriptions, "\(metric)")
            }
            #expect(got["node_load1"] == [["type": "gauge", "help": "1m load average.", "unit": ""]])

            let limited = try metadata(try await server.get("/api/v1/metadata?limit=2").body)
            #expect(limited.count == 2)
            let one = try metadata(try await server.get("/api/v1/metadata?metric=node_load5").body)
            #expect(Array(one.keys) == ["node_load5"])
        }
    }

    @Test(.enabled(if: PrometheusAPIClientTests.pythonAvailable))
    func pythonClientAppIsScrapedWithItsOwnSeries() async throws {
        let port = try PeerProcess.freePort()
        let app = try PeerProcess.start(
            "/usr/bin/env",
            [
                "python3", "-c",
                """
                import time
                from prometheus_client import Counter, start_http_server
                orders = Counter("shop_orders", "Orders taken", ["country"])
                orders.labels("de").inc(3)
                start_http_server(\(port), addr="127.0.0.1")
                while True:
                    time.sleep(1)
                """,
            ])
        let instance = "127.0.0.1:\(port)"
        try await TestServer.with(config: config([("shop", instance)])) { server in
            try await server.eventually {
                try await instant(server, "shop_orders_total").first?.value == "3"
            }
            let orders = try #require(try await instant(server, "shop_orders_total").first)
            #expect(orders.labels == ["__name__": "shop_orders_total", "country": "de", "job": "shop", "instance": instance])
            #expect(try await instant(server, "up{job=\"shop\"}").first?.value == "1")

            try await app.stop()
            try await server.eventually { try await instant(server, "up{job=\"shop\"}").first?.value == "0" }
            #expect(try await instant(server, "shop_orders_total").isEmpty)
        }
    }

    /// An https target with a self-signed certificate: trusted through `ca_file`, accepted with
    /// `insecure_skip_verify`, refused otherwise with the reason in `lastError`.
    @Test(.enabled(if: PrometheusAPIClientTests.pythonAvailable && FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")))
    func httpsTargetsFollowTheirTLSConfig() async throws {
        let folder = try TemporaryFolder()
        try await Command.run(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", folder.path + "/key.pem", "-out", folder.path + "/cert.pem",
            ])
        let port = try PeerProcess.freePort()
        let target = try PeerProcess.start(
            "/usr/bin/env",
            [
                "python3", "-c",
                """
                import http.server, ssl
                class Page(http.server.BaseHTTPRequestHandler):
                    def do_GET(self):
                        body = b"tls_metric 1\\n"
                        self.send_response(200)
                        self.send_header("Content-Type", "text/plain; version=0.0.4")
                        self.send_header("Content-Length", str(len(body)))
                        self.end_headers()
                        self.wfile.write(body)
                    def log_message(self, *args):
                        pass
                server = http.server.ThreadingHTTPServer(("127.0.0.1", \(port)), Page)
                context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                context.load_cert_chain("\(folder.path)/cert.pem", "\(folder.path)/key.pem")
                server.socket = context.wrap_socket(server.socket, server_side=True)
                server.serve_forever()
                """,
            ])
        defer { Task { try? await target.stop() } }
        let config = """
            scrape_configs:
              - job_name: trusted
                scheme: https
                scrape_interval: 1s
                tls_config: {ca_file: \(folder.path)/cert.pem}
                static_configs: [{targets: ["127.0.0.1:\(port)"]}]
              - job_name: insecure
                scheme: https
                scrape_interval: 1s
                tls_config: {insecure_skip_verify: true}
                static_configs: [{targets: ["127.0.0.1:\(port)"]}]
              - job_name: untrusted
                scheme: https
                scrape_interval: 5s
                static_configs: [{targets: ["127.0.0.1:\(port)"]}]
            """
        try await TestServer.with(config: config) { server in
            for job in ["trusted", "insecure"] {
                try await server.eventually { try await instant(server, "tls_metric{job=\"\(job)\"}").first?.value == "1" }
            }
            try await server.eventually { try await instant(server, "up{job=\"untrusted\"}").first?.value == "0" }
            #expect(try await instant(server, "tls_metric{job=\"untrusted\"}").isEmpty)
            // A loaded machine may time a scrape out first (hence the untrusted job's longer
            // interval, which is also its timeout); the certificate problem shows by a later one.
            try await server.eventually(timeout: .seconds(90)) {
                let targets = try await server.get("/api/v1/targets?scrapePool=untrusted").body
                return targets.contains("\"health\":\"down\"") && targets.lowercased().contains("certificate")
            }
        }
    }

    @Test func targetsAPIShowsActiveTargetsAndFollowsReloads() async throws {
        let down = try PeerProcess.freePort()
        try await TestServer.with(config: config([("gone", "127.0.0.1:\(down)")])) { server in
            try await server.eventually {
                let reply = try await server.get("/api/v1/targets")
                return reply.body.contains("\"health\":\"down\"")
            }
            let reply = try await server.get("/api/v1/targets")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any])
            #expect(json["status"] as? String == "success")
            let data = try #require(json["data"] as? [String: Any])
            let active = try #require((data["activeTargets"] as? [[String: Any]])?.first)
            #expect(active["scrapePool"] as? String == "gone")
            #expect(active["scrapeUrl"] as? String == "http://127.0.0.1:\(down)/metrics")
            #expect((active["labels"] as? [String: String]) == ["job": "gone", "instance": "127.0.0.1:\(down)"])
            #expect((active["discoveredLabels"] as? [String: String])?["__address__"] == "127.0.0.1:\(down)")
            #expect((active["lastError"] as? String)?.isEmpty == false)
            #expect(active["scrapeInterval"] as? String == "1s")
            #expect(data["droppedTargets"] as? [Any] != nil)
            #expect(reply.body.contains("\"scrapeUrl\":\"http://127.0.0.1:\(down)/metrics\""), "slashes unescaped, as Prometheus writes them")

            let configPath = try #require(server.configPath)
            try config([("renamed", "127.0.0.1:\(down)")]).write(toFile: configPath, atomically: true, encoding: .utf8)
            #expect(try await server.post("/-/reload").status == 200)
            try await server.eventually {
                try await server.get("/api/v1/targets").body.contains("\"scrapePool\":\"renamed\"")
            }
            #expect(try await !server.get("/api/v1/targets").body.contains("\"scrapePool\":\"gone\""))
        }
    }

    @Test func sighupReloadsTheScrapeJobsOfARunningServer() async throws {
        let folder = try TemporaryFolder()
        let configPath = folder.path + "/osprey.yml"
        let dead = try PeerProcess.freePort()
        try config([("before", "127.0.0.1:\(dead)")]).write(toFile: configPath, atomically: true, encoding: .utf8)
        let osprey = try PeerProcess.start(
            try OspreyBinary.path, ["server", "--listen", "127.0.0.1:0", "--data", folder.path + "/data", "--config", configPath])
        defer { Task { try? await osprey.stop() } }
        var base = ""
        try await eventually {
            guard let line = osprey.output.text.split(separator: "\n").first(where: { $0.hasPrefix("osprey listening on ") }),
                let address = line.split(separator: " ").dropFirst(3).first
            else { return false }
            base = String(address.dropLast(1))
            return true
        }
        func targets() async throws -> String {
            let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: base + "/api/v1/targets"), timeout: .seconds(10))
            return String(buffer: try await response.body.collect(upTo: 1 << 20))
        }
        try await eventually { try await targets().contains("\"scrapePool\":\"before\"") }

        try config([("after", "127.0.0.1:\(dead)")]).write(toFile: configPath, atomically: true, encoding: .utf8)
        kill(osprey.processIdentifier, SIGHUP)
        try await eventually { try await targets().contains("\"scrapePool\":\"after\"") }
        #expect(try await !targets().contains("\"scrapePool\":\"before\""))
    }

    @Test func withoutAConfigOspreyScrapesItself() async throws {
        try await TestServer.with(selfScrape: true) { server in
            try await server.eventually(timeout: .seconds(60)) {
                try await instant(server, "up{job=\"osprey\"}").first?.value == "1"
            }
            #expect(try await !instant(server, "osprey_build_info{job=\"osprey\"}").isEmpty)
        }
    }
}
