import Foundation
import NIOCore
import OspreyTestSupport
import Testing

extension EndToEndTests {
    /// The web UI in Debian's headless Chromium against a real server: every built-in dashboard
    /// draws each of its panels with the series its queries return, a dashboard exported from
    /// Grafana opens, variables, time range and refresh change the queries the server is asked,
    /// and a fresh server's pages say what to do next. Screenshots go to `.build/screenshots/`.
    @Suite(.enabled(if: HeadlessChromium.available, "apt-get install chromium"))
    struct BrowserTests {
        static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        static let builtIns = ["osprey-infrastructure", "osprey-application", "osprey-business", "osprey-synthetic-checks", "osprey-self"]
        /// The fixture's half hour of yardstick data (2 hosts, every 30 s), as absolute times in ms.
        static let dataFrom: Int64 = 1_795_989_600_000
        static let dataTo: Int64 = 1_795_991_400_000

        /// A server with the built-in dashboards (unless `builtInDashboards` is false), the query
        /// log on, and (unless `empty`) the yardstick fixture imported.
        private func withServer(
            empty: Bool = false, builtInDashboards: Bool = true, dashboards: String = "",
            moreConfig: String = "", _ body: @Sendable (TestServer, _ queryLog: String) async throws -> Void
        ) async throws {
            let folder = try TemporaryFolder()
            let queryLog = folder.path + "/queries.log"
            let config = """
                global:
                  query_log_file: \(queryLog)
                dashboards:
                  built_in: \(builtInDashboards)
                  path: "\(dashboards)"

                """ + moreConfig
            try await TestServer.with(config: config, folder: folder) { server in
                if !empty {
                    let fixture = Self.repository.appendingPathComponent("Tests/OspreyServerTests/Fixtures/yardstick-2-hosts-30m.prom.gz").path
                    let bytes = try #require(FileManager.default.contents(atPath: fixture))
                    let reply = try await server.send(
                        "/api/v1/import/prometheus", method: .POST, bytes: Array(bytes), headers: [("Content-Encoding", "gzip")])
                    #expect(reply.status == 204, "\(reply.body)")
                }
                try await body(server, queryLog)
            }
        }

        typealias LoggedQuery = (query: String, start: String, end: String, step: Double)

        /// The server's query log, read from `offset` (bytes) on: what a page asked once loaded.
        struct QueryLogReader {
            let path: String
            var offset = 0

            /// The queries logged since the last call.
            mutating func next() -> [LoggedQuery] {
                let data = FileManager.default.contents(atPath: path) ?? Data()
                let fresh = data.count > offset ? data[offset...] : Data()
                offset = data.count
                return String(decoding: fresh, as: UTF8.self).split(separator: "\n").compactMap { line in
                    guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                        let params = object["params"] as? [String: Any]
                    else { return nil }
                    return (
                        params["query"] as? String ?? "", params["start"] as? String ?? "", params["end"] as? String ?? "",
                        (params["step"] as? Double) ?? 0
                    )
                }
            }
        }

        /// The series the server answers each query with, asked again as the page asked it.
        private func seriesCounts(_ queries: [LoggedQuery], on server: TestServer) async throws -> [Int] {
            var counts: [Int] = []
            for logged in queries {
                let path =
                    logged.step > 0
                    ? "/api/v1/query_range?query=\(Self.escaped(logged.query))&start=\(logged.start)&end=\(logged.end)&step=\(logged.step)"
                    : "/api/v1/query?query=\(Self.escaped(logged.query))&time=\(logged.end)"
                counts.append(try Self.seriesCount(try await server.get(path).body))
            }
            return counts
        }

        private func screenshotFolder() throws -> String {
            let folder = Self.repository.appendingPathComponent(".build/screenshots").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            return folder
        }

        @Test(arguments: builtIns)
        func aBuiltInDashboardDrawsEveryPanelWithItsSeries(uid: String) async throws {
            try await withServer { server, queryLog in
                let dashboard = try await server.get("/api/dashboards/uid/\(uid)")
                #expect(dashboard.status == 200, "\(uid) is a built-in dashboard")
                let json = try #require(try JSONSerialization.jsonObject(with: Data(dashboard.body.utf8)) as? [String: Any])
                let panels = try #require((json["dashboard"] as? [String: Any])?["panels"] as? [[String: Any]])

                let url = server.baseURL + "/dashboards/\(uid)?from=\(Self.dataFrom)&to=\(Self.dataTo)"
                let page = try await HeadlessChromium.load(url)
                #expect(page.console.isEmpty, "console: \(page.console)")
                let drawn = page.elements(with: "data-panel-id")
                #expect(drawn.count == panels.count, "\(drawn.count) panels drawn of \(panels.count)")
                for panel in drawn {
                    #expect(
                        ["ok", "empty"].contains(panel["data-state"] ?? ""),
                        "panel \(panel["data-panel-id"] ?? "?") is \(panel["data-state"] ?? "not drawn")")
                }
                if ["osprey-infrastructure", "osprey-application", "osprey-business"].contains(uid) {
                    let withoutData = drawn.filter { $0["data-state"] != "ok" }.map { $0["data-panel-id"] ?? "?" }
                    #expect(withoutData.isEmpty, "panels without data: \(withoutData)")
                }
                try await HeadlessChromium.screenshot(url, to: try screenshotFolder() + "/\(uid).png")

                // Each panel alone (Grafana's viewPanel): it draws as many series as its queries
                // returned (a table merges its queries' series into rows by their labels).
                var log = QueryLogReader(path: queryLog)
                _ = log.next()
                for panel in panels where !["row", "text"].contains(panel["type"] as? String ?? "") {
                    let id = panel["id"] as? Int ?? 0
                    let alone = try await HeadlessChromium.load(url + "&viewPanel=\(id)")
                    let element = try #require(alone.elements(with: "data-panel-id").first { $0["data-panel-id"] == "\(id)" })
                    let drawnSeries = Int(element["data-series-count"] ?? "") ?? -1
                    let counts = try await seriesCounts(log.next(), on: server)
                    _ = log.next()  // the test's own replays
                    if panel["type"] as? String == "table" {
                        #expect((counts.max() ?? 0)...(counts.reduce(0, +)) ~= drawnSeries, "\(uid) table \(id): \(drawnSeries) rows for \(counts)")
                    } else {
                        #expect(drawnSeries == counts.reduce(0, +), "\(uid) panel \(id): \(drawnSeries) series drawn, \(counts) returned")
                    }
                }
            }
        }

        @Test func aDashboardExportedFromGrafanaOpensWithPlaceholdersForWhatIsNotSupported() async throws {
            try await withServer { server, _ in
                let fixture = Self.repository.appendingPathComponent("Tests/OspreyServerTests/Fixtures/grafana-export-node-exporter.json").path
                let exported = try #require(FileManager.default.contents(atPath: fixture))
                let dashboard = try #require(try JSONSerialization.jsonObject(with: exported) as? [String: Any])
                let body = try JSONSerialization.data(withJSONObject: ["dashboard": dashboard, "overwrite": true])
                let saved = try await server.send(
                    "/api/dashboards/db", method: .POST, bytes: Array(body), headers: [("Content-Type", "application/json")])
                #expect(saved.status == 200, "\(saved.body)")
                let answer = try #require(try JSONSerialization.jsonObject(with: Data(saved.body.utf8)) as? [String: Any])
                let url = server.baseURL + (answer["url"] as? String ?? "") + "?from=\(Self.dataFrom)&to=\(Self.dataTo)"

                let page = try await HeadlessChromium.load(url)
                #expect(page.console.isEmpty, "console: \(page.console)")
                let drawn = page.elements(with: "data-panel-id")
                let topLevel = try #require(dashboard["panels"] as? [[String: Any]])
                #expect(drawn.count == topLevel.count, "collapsed rows show their heading only")
                #expect(drawn.contains { $0["data-state"] == "ok" && $0["data-panel-type"] == "timeseries" })
                #expect(!drawn.contains { $0["data-state"] == "error" }, "\(drawn.filter { $0["data-state"] == "error" })")
                try await HeadlessChromium.screenshot(url, to: try screenshotFolder() + "/grafana-export.png")

                // Inside a collapsed row: a panel type Osprey does not draw gets a placeholder.
                let nested = topLevel.flatMap { ($0["panels"] as? [[String: Any]]) ?? [] }
                let unsupported = try #require(nested.first { ["heatmap", "piechart"].contains($0["type"] as? String ?? "") })
                let id = unsupported["id"] as? Int ?? 0
                let alone = try await HeadlessChromium.load(url + "&viewPanel=\(id)")
                #expect(alone.console.isEmpty, "console: \(alone.console)")
                let placeholder = alone.elements(with: "data-panel-id").first { $0["data-panel-id"] == "\(id)" }
                #expect(placeholder?["data-state"] == "unsupported")
                #expect(alone.dom.contains("is not supported"))
            }
        }

        @Test func variablesTimeRangeAndRefreshChangeTheQueriesSent() async throws {
            try await withServer { server, queryLog in
                let base = server.baseURL + "/dashboards/osprey-application"
                var log = QueryLogReader(path: queryLog)
                func queries(_ query: String, budget: Duration = .seconds(10)) async throws -> [LoggedQuery] {
                    _ = log.next()
                    let page = try await HeadlessChromium.load(base + query, budget: budget)
                    #expect(page.console.isEmpty, "console: \(page.console)")
                    return log.next()
                }
                let orders = try await queries("?from=\(Self.dataFrom)&to=\(Self.dataTo)&var-route=/api/orders")
                let cart = try await queries("?from=\(Self.dataFrom)&to=\(Self.dataTo)&var-route=/api/cart")
                #expect(orders.contains { $0.query.contains("/api/orders") } && !orders.contains { $0.query.contains("/api/cart") })
                #expect(cart.contains { $0.query.contains("/api/cart") } && !cart.contains { $0.query.contains("/api/orders") })

                let tenMinutes = try await queries("?from=\(Self.dataTo - 600_000)&to=\(Self.dataTo)&var-route=/api/orders")
                #expect(Set(orders.filter { $0.step > 0 }.map(\.start)) != Set(tenMinutes.filter { $0.step > 0 }.map(\.start)))
                #expect(tenMinutes.filter { $0.step > 0 }.allSatisfy { $0.start == Self.rfc3339(Self.dataTo - 600_000) })

                let once = try await queries("?from=now-1h&to=now&var-route=/api/orders", budget: .seconds(12))
                let refreshed = try await queries("?from=now-1h&to=now&var-route=/api/orders&refresh=5s", budget: .seconds(12))
                #expect(refreshed.count > once.count, "auto-refresh every 5s asks again: \(refreshed.count) vs \(once.count) queries")
            }
        }

        @Test func aFreshServersPagesSayWhatToDoNext() async throws {
            let nothing = try TemporaryFolder()
            try await withServer(empty: true, builtInDashboards: false, dashboards: nothing.path) { server, _ in
                // Each page's empty state names the next step: where dashboards come from, what to
                // type, which config section to add.
                let nextSteps = [
                    "/dashboards": "dashboards.path", "/explore": "PromQL", "/alerts": "rule_files", "/targets": "scrape_configs",
                    "/probes": "probes",
                ]
                for (path, step) in nextSteps {
                    let page = try await HeadlessChromium.load(server.baseURL + path)
                    #expect(page.console.isEmpty, "\(path): \(page.console)")
                    let titles = page.dom.matches(of: /class="empty-title">([^<]*)</).map { String($0.output.1) }
                    #expect(titles.contains { $0.contains(step) }, "\(path) says what to do next: \(titles)")
                }
            }
        }

        @Test func exploreOffersMetricNamesWithTheirTypeAndHelp() async throws {
            let nothing = try TemporaryFolder()
            try await withServer(empty: true, dashboards: nothing.path) { server, _ in
                let body =
                    "# HELP queue_depth Jobs waiting.\n# TYPE queue_depth gauge\nqueue_depth 3\n"
                    + "# HELP jobs_done Jobs done.\n# TYPE jobs_done counter\njobs_done_total 7\nbare_metric 1\n"
                let pushed = try await server.post("/api/v1/import/prometheus", body: body)
                #expect(pushed.status == 204)
                let page = try await HeadlessChromium.load(server.baseURL + "/explore")
                #expect(page.console.isEmpty, "\(page.console)")
                #expect(page.dom.contains(#"<option value="queue_depth" label="gauge · Jobs waiting."></option>"#))
                #expect(page.dom.contains(#"<option value="jobs_done_total" label="counter · Jobs done."></option>"#))
                #expect(page.dom.contains(#"<option value="bare_metric"></option>"#))
            }
        }

        @Test func aServerWithTokensAsksForOneAndTheUIWorksOnceGivenIt() async throws {
            let auth = """
                auth:
                  tokens:
                    - {name: reader, token: query-token-0123456789, role: query}
                """
            try await withServer(empty: true, moreConfig: auth) { server, queryLog in
                let refused = try await HeadlessChromium.load(server.baseURL + "/dashboards")
                #expect(refused.dom.contains(#"<form class="signin">"#), "the page asks for a token")
                #expect(refused.dom.contains("This server needs a token"))
                #expect(!refused.dom.contains("Infrastructure"), "nothing of the server's shows before a token is given")

                let wrong = try await HeadlessChromium.load(server.baseURL + "/dashboards#token=not-a-token-of-this-server")
                #expect(wrong.dom.contains("The server did not accept this tab's token"))

                let given = try await HeadlessChromium.load(server.baseURL + "/dashboards#token=query-token-0123456789")
                #expect(!given.dom.contains(#"class="signin""#), "the token is accepted")
                #expect(given.dom.contains("Infrastructure"), "the dashboard list shows with the token")
                #expect(given.dom.contains(#"id="signout""#))
                #expect(given.console.isEmpty, "\(given.console)")

                // Queries carry the token too: Explore's query reaches the query log.
                let explored = try await HeadlessChromium.load(
                    server.baseURL + "/explore?expr=" + Self.escaped("vector(42)") + "#token=query-token-0123456789")
                #expect(!explored.dom.contains(#"class="signin""#))
                #expect(explored.dom.contains(#"class="explore-result" data-state="ok""#), "\(explored.dom.suffix(2000))")
                var log = QueryLogReader(path: queryLog)
                #expect(log.next().contains { $0.query == "vector(42)" })
            }
        }

        static func seriesCount(_ body: String) throws -> Int {
            guard let json = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
                let data = json["data"] as? [String: Any]
            else { return 0 }
            return (data["result"] as? [Any])?.count ?? 0
        }

        static func escaped(_ text: String) -> String {
            text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
        }

        static func rfc3339(_ milliseconds: Int64) -> String {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
        }
    }
}
