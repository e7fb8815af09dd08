import NIOHTTP1
import OspreyTestSupport
import Testing

/// With `auth.tokens` configured, every endpoint but health, readiness, Osprey's own `/metrics`
/// and the UI's static files needs a token of the right role: reads `query`, pushes `ingest`,
/// changes (silences, dashboards, reloads) `admin`.
@Suite struct AccessTests {
    static let config = """
        auth:
          tokens:
            - {name: pusher, token: ingest-token-0123456789, role: ingest}
            - {name: reader, token: query-token-0123456789, role: query}
            - {name: root, token: admin-token-0123456789, role: admin}
        """
    static let tokens = [
        "ingest": "ingest-token-0123456789", "query": "query-token-0123456789", "admin": "admin-token-0123456789",
    ]

    struct Endpoint: CustomStringConvertible, Sendable {
        var method: HTTPMethod
        var path: String
        var role: String
        var body = ""
        var description: String { "\(method.rawValue) \(path)" }
        /// What a client of the JSON APIs sends with a JSON body.
        var contentType: [(String, String)] { body.hasPrefix("{") ? [("Content-Type", "application/json")] : [] }
    }

    static let endpoints: [Endpoint] = [
        Endpoint(method: .GET, path: "/api/v1/query?query=1", role: "query"),
        Endpoint(method: .POST, path: "/api/v1/query_range?query=1&start=1&end=2&step=1", role: "query"),
        Endpoint(method: .GET, path: "/api/v1/series?match[]=up", role: "query"),
        Endpoint(method: .GET, path: "/api/v1/labels", role: "query"),
        Endpoint(method: .GET, path: "/api/v1/label/job/values", role: "query"),
        Endpoint(method: .GET, path: "/api/v1/metadata", role: "query"),
        Endpoint(method: .GET, path: "/probe?module=http_2xx&target=127.0.0.1:1", role: "query"),
        Endpoint(method: .GET, path: "/api/v1/targets", role: "query"),
        Endpoint(method: .GET, path: "/api/v1/rules", role: "query"),
        Endpoint(method: .GET, path: "/api/v1/alerts", role: "query"),
        Endpoint(method: .GET, path: "/api/v1/probes", role: "query"),
        Endpoint(method: .GET, path: "/api/v1/status/config", role: "query"),
        Endpoint(method: .GET, path: "/api/v1/status/buildinfo", role: "query"),
        Endpoint(method: .GET, path: "/api/v2/silences", role: "query"),
        Endpoint(method: .GET, path: "/api/v2/silence/0b8c7d5e-0000-4000-8000-000000000000", role: "query"),
        Endpoint(method: .GET, path: "/api/search", role: "query"),
        Endpoint(method: .GET, path: "/api/dashboards/uid/none", role: "query"),
        Endpoint(method: .POST, path: "/api/v1/import/prometheus", role: "ingest", body: "m 1\n"),
        Endpoint(method: .PUT, path: "/metrics/job/batch", role: "ingest", body: "m 1\n"),
        Endpoint(method: .POST, path: "/metrics/job/batch", role: "ingest", body: "m 1\n"),
        Endpoint(method: .DELETE, path: "/metrics/job/batch", role: "ingest"),
        Endpoint(
            method: .POST, path: "/api/v1/import", role: "ingest",
            body: #"{"metric":{"__name__":"m"},"values":[1],"timestamps":[1700000000000]}"# + "\n"),
        Endpoint(
            method: .POST, path: "/api/v2/silences", role: "admin",
            body:
                #"{"matchers":[{"name":"alertname","value":"x","isRegex":false}],"startsAt":"2026-01-01T00:00:00Z","endsAt":"2099-01-01T00:00:00Z","createdBy":"t","comment":"c"}"#
        ),
        Endpoint(method: .DELETE, path: "/api/v2/silence/0b8c7d5e-0000-4000-8000-000000000000", role: "admin"),
        Endpoint(method: .DELETE, path: "/api/dashboards/uid/none", role: "admin"),
        Endpoint(method: .POST, path: "/api/dashboards/db", role: "admin", body: #"{"dashboard":{"title":"t"}}"#),
        Endpoint(method: .POST, path: "/-/reload", role: "admin"),
        Endpoint(method: .PUT, path: "/-/reload", role: "admin"),
    ]

    @Test func everyAPIEndpointNeedsATokenOfItsRole() async throws {
        try await TestServer.with(config: Self.config) { server in
            for endpoint in Self.endpoints {
                let anonymous = try await server.send(endpoint.path, method: endpoint.method, body: endpoint.body, headers: endpoint.contentType)
                #expect(anonymous.status == 401, "\(endpoint) without a token")
                #expect(anonymous.headers["www-authenticate"] == "Bearer", "\(endpoint)")

                let unknown = try await server.send(
                    endpoint.path, method: endpoint.method, body: endpoint.body,
                    headers: endpoint.contentType + [("Authorization", "Bearer not-a-token-of-this-server")])
                #expect(unknown.status == 401, "\(endpoint) with an unknown token")

                for (role, token) in Self.tokens {
                    let reply = try await server.send(
                        endpoint.path, method: endpoint.method, body: endpoint.body,
                        headers: endpoint.contentType + [("Authorization", "Bearer \(token)")])
                    if role == endpoint.role || role == "admin" {
                        #expect(![401, 403].contains(reply.status), "\(endpoint) with a \(role) token: \(reply.body)")
                    } else {
                        #expect(reply.status == 403, "\(endpoint) with a \(role) token")
                        #expect(reply.body.contains("needs \(endpoint.role)"), "\(endpoint): \(reply.body)")
                        #expect(!reply.body.contains(token))
                    }
                }
            }
        }
    }

    @Test func healthReadinessSelfMetricsAndTheUIStayOpen() async throws {
        try await TestServer.with(config: Self.config) { server in
            for path in ["/-/healthy", "/-/ready", "/metrics", "/dashboards", "/assets/app.js"] {
                let reply = try await server.get(path)
                #expect(reply.status == 200, "\(path)")
            }
        }
    }

    @Test func aSilenceNeedsAnAdminTokenToBeCreatedAndIsThenListedForReaders() async throws {
        try await TestServer.with(config: Self.config) { server in
            let silence = try #require(Self.endpoints.first { $0.method == .POST && $0.path == "/api/v2/silences" })
            let reader = silence.contentType + [("Authorization", "Bearer query-token-0123456789")]
            #expect(try await server.send(silence.path, method: .POST, body: silence.body, headers: reader).status == 403)
            #expect(try await server.send("/api/v2/silences", method: .GET, headers: reader).body == "[]")

            let admin = silence.contentType + [("Authorization", "Bearer admin-token-0123456789")]
            let created = try await server.send(silence.path, method: .POST, body: silence.body, headers: admin)
            #expect(created.status == 200)
            #expect(created.body.contains("silenceID"))
            let listed = try await server.send("/api/v2/silences", method: .GET, headers: reader)
            #expect(listed.body.contains(#""createdBy":"t""#), "\(listed.body)")
        }
    }
}
