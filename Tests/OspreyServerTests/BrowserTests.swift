import Foundation
import NIOCore
import OspreyTestSupport
import Testing

/// The web UI in Debian's headless Chromium against a real server: every built-in dashboard
/// draws each of its panels with the series its queries return, a dashboard exported from
/// Grafana opens, variables, time range and refresh change the queries the server is asked,
/// and a fresh server's pages say what to do next. Screenshots go to `.build/screenshots/`.
@Suite(.serialized, .enabled(if: HeadlessChromium.available, "apt-get install chromium"))
struct BrowserTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let builtIns = ["osprey-infrastructure", "osprey-application", "osprey-business", "osprey-synthetic-checks", "osprey-self"]
    /// The fixture's half hour of yardstick data (2 hosts, every 30 s), as absolute times in ms.
    static let dataFrom: Int64 = 1_795_989_600_000
    static let dataTo: Int64 = 1_795_991_400_000

    /// A server with the repository's dashboards, the query log on, and (unless `empty`) the
    /// yardstick fixture imported.
    private func withServer(
        empty: Bool = false, dashboards: String = repository.appendingPathComponent("Dashboards").path,
        _ body: @Sendable (TestServer, _ queryLog: String) async throws -> Void
    ) async throws {
        let folder = try TemporaryFolder()
        let queryLog = folder.path + "/queries.log"
        let config = """
            global:
              query_log_file: \(queryLog)
            dashboards:
              path: \(dashboards)
            """
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

    /// The queries the server was asked, from its query log.
    private func loggedQueries(_ path: String) throws -> [(query: String, start: String, end: String, step: Double)] {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let params = object["params"] as? [String: Any]
            else { return nil }
            return (
                params["query"] as? String ?? "", params["start"] as? String ?? "", params["end"] as? String ?? "",
                (params["step"] as? Double) ?? 0
            )
        }
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
            #expect(dashboard.status == 200, "\(uid) is provisioned from Dashboards/")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(dashboard.body.utf8)) as? [String: Any])
            let panels = Self.visiblePanels(try #require((json["dashboard"] as? [String: Any])?["panels"] as? [[String: Any]]))

            let url = server.baseURL + "/dashboards/\(uid)?from=\(Self.dataFrom)&to=\(Self.dataTo)"
            let page = try await HeadlessChromium.load(url)
            #expect(page.console.isEmpty, "console: \(page.console)")
            let drawn = page.elements(with: "data-panel-id")
            #expect(drawn.count == panels.count, "\(drawn.count) panels drawn of \(panels.count)")
            for panel in drawn {
                #expect(["ok", "empty"].contains(panel["data-state"] ?? ""), "panel \(panel["data-panel-id"] ?? "?") is \(panel["data-state"] ?? "not drawn")")
            }
            // One chart per drawn query result: as many series drawn as the server returned for
            // the queries the page sent.
            var returned = 0
            for logged in try loggedQueries(queryLog) {
                let path = logged.step > 0
                    ? "/api/v1/query_range?query=\(Self.escaped(logged.query))&start=\(logged.start)&end=\(logged.end)&step=\(logged.step)"
                    : "/api/v1/query?query=\(Self.escaped(logged.query))&time=\(logged.end)"
                returned += try Self.seriesCount(try await server.get(path).body)
            }
            let seriesDrawn = drawn.compactMap { Int($0["data-series-count"] ?? "") }.reduce(0, +)
            #expect(seriesDrawn == returned, "\(seriesDrawn) series drawn, \(returned) returned")
            if ["osprey-infrastructure", "osprey-application", "osprey-business"].contains(uid) {
                #expect(drawn.filter { $0["data-panel-type"] != "text" }.allSatisfy { $0["data-state"] == "ok" }, "every panel has data")
            }
            try await HeadlessChromium.screenshot(url, to: try screenshotFolder() + "/\(uid).png")
        }
    }

    @Test func aDashboardExportedFromGrafanaOpensWithPlaceholdersForWhatIsNotSupported() async throws {
        try await withServer { server, _ in
            let fixture = Self.repository.appendingPathComponent("Tests/OspreyServerTests/Fixtures/grafana-export-node-exporter.json").path
            let exported = try #require(FileManager.default.contents(atPath: fixture))
            let dashboard = try #require(try JSONSerialization.jsonObject(with: exported) as? [String: Any])
            let body = try JSONSerialization.data(withJSONObject: ["dashboard": dashboard, "overwrite": true])
            let saved = try await server.send("/api/dashboards/db", method: .POST, bytes: Array(body))
            #expect(saved.status == 200, "\(saved.body)")
            let answer = try #require(try JSONSerialization.jsonObject(with: Data(saved.body.utf8)) as? [String: Any])
            let url = server.baseURL + (answer["url"] as? String ?? "") + "?from=\(Self.dataFrom)&to=\(Self.dataTo)"

            let page = try await HeadlessChromium.load(url)
            #expect(page.console.isEmpty, "console: \(page.console)")
            let drawn = page.elements(with: "data-panel-id")
            #expect(!drawn.isEmpty)
            #expect(drawn.contains { $0["data-state"] == "unsupported" }, "a panel type Osprey does not draw gets a placeholder")
            #expect(drawn.contains { $0["data-state"] == "ok" && $0["data-panel-type"] == "timeseries" })
            #expect(!drawn.contains { $0["data-state"] == "error" }, "\(drawn.filter { $0["data-state"] == "error" })")
            try await HeadlessChromium.screenshot(url, to: try screenshotFolder() + "/grafana-export.png")
        }
    }

    @Test func variablesTimeRangeAndRefreshChangeTheQueriesSent() async throws {
        try await withServer { server, queryLog in
            let base = server.baseURL + "/dashboards/osprey-application"
            func queries(_ query: String, budget: Duration = .seconds(10)) async throws -> [(query: String, start: String, end: String, step: Double)] {
                try? FileManager.default.removeItem(atPath: queryLog)
                let page = try await HeadlessChromium.load(base + query, budget: budget)
                #expect(page.console.isEmpty, "console: \(page.console)")
                return try loggedQueries(queryLog)
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
        try await withServer(empty: true, dashboards: nothing.path) { server, _ in
            for path in ["/dashboards", "/explore", "/alerts", "/targets", "/probes"] {
                let page = try await HeadlessChromium.load(server.baseURL + path)
                #expect(page.console.isEmpty, "\(path): \(page.console)")
                let empty = page.elements(with: "data-empty")
                #expect(!empty.isEmpty || page.dom.contains("class=\"empty"), "\(path) says what to do next")
            }
        }
    }

    /// Panels a dashboard shows: rows are headings, their panels count (collapsed rows carry
    /// theirs inside).
    static func visiblePanels(_ panels: [[String: Any]]) -> [[String: Any]] {
        panels.flatMap { panel -> [[String: Any]] in
            if panel["type"] as? String == "row" { return (panel["panels"] as? [[String: Any]]) ?? [] }
            return [panel]
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
