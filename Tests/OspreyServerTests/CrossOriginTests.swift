import Foundation
import NIOHTTP1
import OspreyModel
import Testing

/// With auth off (the default), a web page on another site must not change anything through a
/// visitor's browser: state-changing requests a browser marks as cross-site, or whose Origin is
/// another host, are refused with 403 (as Go's `http.CrossOriginProtection` refuses them), and
/// the JSON APIs take only `application/json`. Requests from no browser (curl, SDKs, the agent)
/// and the UI's own requests still work.
@Suite struct CrossOriginTests {
    static let silence =
        #"{"matchers":[{"name":"alertname","value":".+","isRegex":true}],"startsAt":"2026-01-01T00:00:00Z","endsAt":"2099-01-01T00:00:00Z","createdBy":"page","comment":"c"}"#
    static let dashboard = #"{"dashboard":{"title":"Forged","uid":"forged"},"overwrite":true}"#
    static let json = ("Content-Type", "application/json")

    struct Change: Sendable, CustomStringConvertible {
        var method: HTTPMethod
        var path: String
        var body = ""
        var headers: [(String, String)] = []
        var description: String { "\(method) \(path)" }
    }

    /// Everything a forged form or fetch would try.
    static let changes = [
        Change(method: .POST, path: "/api/v1/import/prometheus", body: "forged_metric 1\n"),
        Change(
            method: .POST, path: "/api/v1/import",
            body: #"{"metric":{"__name__":"forged_metric"},"values":[1],"timestamps":[\#(Int64(Date().timeIntervalSince1970) * 1000)]}"#),
        Change(method: .PUT, path: "/metrics/job/forged", body: "forged_metric 1\n"),
        Change(method: .DELETE, path: "/metrics/job/forged"),
        Change(method: .POST, path: "/api/dashboards/db", body: dashboard, headers: [json]),
        Change(method: .DELETE, path: "/api/dashboards/uid/forged"),
        Change(method: .POST, path: "/api/v2/silences", body: silence, headers: [json]),
        Change(method: .DELETE, path: "/api/v2/silence/0b8c7d5e-0000-4000-8000-000000000000"),
        Change(method: .POST, path: "/-/reload"),
        Change(method: .PUT, path: "/-/reload"),
        Change(method: .POST, path: "/api/v1/query", body: "query=1", headers: [("Content-Type", "application/x-www-form-urlencoded")]),
    ]

    @Test(arguments: [
        [("Sec-Fetch-Site", "cross-site"), ("Origin", "https://evil.example")],
        [("Sec-Fetch-Site", "same-site"), ("Origin", "http://evil.localhost:9300")],
        [("Sec-Fetch-Site", "cross-site")],
        // A browser too old for Sec-Fetch-Site still sends Origin.
        [("Origin", "https://evil.example")],
        [("Origin", "http://127.0.0.1:1")],
        [("Origin", "null")],
    ])
    func forgedBrowserRequestsAreRefused(_ browser: [(String, String)]) async throws {
        try await TestServer.with { server in
            for change in Self.changes {
                let reply = try await server.send(change.path, method: change.method, body: change.body, headers: change.headers + browser)
                #expect(reply.status == 403, "\(change) with \(browser): \(reply.status) \(reply.body)")
                #expect(reply.body.contains("cross-origin"), "\(change): \(reply.body)")
            }
            #expect(try await server.select([.equal("__name__", "forged_metric")]).isEmpty)
            #expect(try await server.get("/api/v2/silences").body == "[]")
            #expect(try await server.get("/api/dashboards/uid/forged").status == 404)
            // Reading stays open to any page, as Go's protection leaves safe methods alone.
            let read = try await server.send("/api/v1/query?query=1", method: .GET, headers: browser)
            #expect(read.status == 200)
        }
    }

    @Test func requestsFromNoBrowserStillWork() async throws {
        try await TestServer.with { server in
            for change in Self.changes where change.method != .DELETE {
                let reply = try await server.send(change.path, method: change.method, body: change.body, headers: change.headers)
                #expect((200..<300).contains(reply.status), "\(change): \(reply.status) \(reply.body)")
            }
            #expect(try await server.select([.equal("__name__", "forged_metric")]).count == 2)
            #expect(try await server.get("/api/v2/silences").body.contains(#""createdBy":"page""#))
            #expect(try await server.get("/api/dashboards/uid/forged").status == 200)
        }
    }

    /// The UI's fetches: Sec-Fetch-Site same-origin, or (older browsers) an Origin naming this
    /// server; and what a user types in the address bar (`none`).
    @Test func theUIsOwnRequestsStillWork() async throws {
        try await TestServer.with { server in
            let origin = server.baseURL
            for (index, browser) in [
                [("Sec-Fetch-Site", "same-origin"), ("Origin", origin)], [("Origin", origin)], [("Sec-Fetch-Site", "none")],
                [("Origin", origin.uppercased())],
            ].enumerated() {
                let pushed = try await server.send(
                    "/api/v1/import/prometheus", method: .POST, body: "ui_metric{n=\"\(index)\"} 1\n", headers: browser)
                #expect(pushed.status == 204, "\(browser): \(pushed.body)")
                let saved = try await server.send(
                    "/api/dashboards/db", method: .POST, body: #"{"dashboard":{"title":"Mine \#(index)"}}"#, headers: browser + [Self.json])
                #expect(saved.status == 200, "\(browser): \(saved.body)")
                let silenced = try await server.send("/api/v2/silences", method: .POST, body: Self.silence, headers: browser + [Self.json])
                #expect(silenced.status == 200, "\(browser): \(silenced.body)")
                #expect(try await server.send("/-/reload", method: .POST, headers: browser).status == 200)
            }
            #expect(try await server.select([.equal("__name__", "ui_metric")]).count == 4)
        }
    }

    /// A page may post `text/plain` or a form to any site without a preflight; the JSON APIs
    /// refuse those with 415, so even a browser that sends no Origin cannot forge them.
    @Test(arguments: [nil, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonx"])
    func theJSONAPIsTakeOnlyJSON(_ contentType: String?) async throws {
        try await TestServer.with { server in
            let headers = contentType.map { [("Content-Type", $0)] } ?? []
            let dashboard = try await server.send("/api/dashboards/db", method: .POST, body: Self.dashboard, headers: headers)
            #expect(dashboard.status == 415, "\(dashboard.body)")
            #expect(dashboard.body.contains("application/json"))
            let silence = try await server.send("/api/v2/silences", method: .POST, body: Self.silence, headers: headers)
            #expect(silence.status == 415, "\(silence.body)")
            #expect(silence.body.contains("application/json"))
            #expect(try await server.get("/api/dashboards/uid/forged").status == 404)
            #expect(try await server.get("/api/v2/silences").body == "[]")

            let charset = [("Content-Type", "application/json; charset=utf-8")]
            #expect(try await server.send("/api/dashboards/db", method: .POST, body: Self.dashboard, headers: charset).status == 200)
            #expect(try await server.send("/api/v2/silences", method: .POST, body: Self.silence, headers: charset).status == 200)
        }
    }
}
