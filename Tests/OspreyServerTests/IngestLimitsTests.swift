import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import OspreyModel
import Testing

/// Limits, auth and backpressure on the push endpoints.
@Suite struct IngestLimitsTests {
    static let recent = (SystemClock().now() / 1000 - 600) * 1000

    @Test func bodyAndSampleLimitsAnswer413() async throws {
        let config = """
            ingest:
              max_body_bytes: 200
              max_samples_per_request: 3
            """
        try await TestServer.with(config: config) { server in
            let big = String(repeating: "padding_metric 1\n", count: 20)
            let tooBig = try await server.post("/api/v1/import/prometheus", body: big)
            #expect(tooBig.status == 413)
            #expect(tooBig.body.contains("ingest.max_body_bytes"))

            let many = (1...4).map { "counted_metric{n=\"\($0)\"} 1" }.joined(separator: "\n")
            let tooMany = try await server.post("/api/v1/import/prometheus", body: many)
            #expect(tooMany.status == 413)
            #expect(tooMany.body.contains("ingest.max_samples_per_request"))
            #expect(try await server.select([.equal("__name__", "counted_metric")]).isEmpty)
            #expect(try await server.post("/api/v1/import/prometheus", body: "counted_metric 1\n").status == 204)
        }
    }

    @Test func labelLimitsAnswer400NamingTheSeries() async throws {
        let config = """
            ingest:
              max_labels_per_series: 3
              max_label_value_length: 10
            """
        try await TestServer.with(config: config) { server in
            let wide = try await server.post("/api/v1/import/prometheus", body: "ok_metric 1\nwide_metric{a=\"1\",b=\"2\",c=\"3\"} 1\n")
            #expect(wide.status == 400)
            #expect(wide.body.contains("line 2: series wide_metric{a=\\\"1\\\", b=\\\"2\\\", c=\\\"3\\\"} has 4 labels"), "\(wide.body)")
            let long = try await server.post("/api/v1/import/prometheus", body: "long_metric{a=\"01234567890\"} 1\n")
            #expect(long.status == 400)
            #expect(long.body.contains("long_metric") && long.body.contains("max_label_value_length"))
            #expect(try await server.select([.equal("__name__", "ok_metric")]).isEmpty)
        }
    }

    @Test func bearerTokensGateIngest() async throws {
        let config = """
            auth:
              tokens:
                - name: pusher
                  token: ingest-token-0123456789
                  role: ingest
                - name: reader
                  token: query-token-0123456789
                  role: query
                - name: root
                  token: admin-token-0123456789
                  role: admin
            """
        try await TestServer.with(config: config) { server in
            let body = "authorised_metric 1\n"
            let anonymous = try await server.post("/api/v1/import/prometheus", body: body)
            #expect(anonymous.status == 401)
            #expect(anonymous.headers["www-authenticate"] == "Bearer")
            let wrong = try await server.send(
                "/api/v1/import/prometheus", method: .POST, body: body, headers: [("Authorization", "Bearer not-a-token-at-all")])
            #expect(wrong.status == 401)
            let reader = try await server.send(
                "/api/v1/import/prometheus", method: .POST, body: body, headers: [("Authorization", "Bearer query-token-0123456789")])
            #expect(reader.status == 403)
            #expect(!reader.body.contains("query-token-0123456789"))
            #expect(try await server.select([.equal("__name__", "authorised_metric")]).isEmpty)
            for token in ["ingest-token-0123456789", "admin-token-0123456789"] {
                let allowed = try await server.send(
                    "/api/v1/import/prometheus", method: .POST, body: body, headers: [("Authorization", "Bearer \(token)")])
                #expect(allowed.status == 204)
            }
            let config = try await server.get("/api/v1/status/config").body
            #expect(!config.contains("token-0123456789"))
        }
    }

    @Test func aSaturatedIngestAnswers429ThenRecovers() async throws {
        try await TestServer.with(config: "ingest:\n  max_concurrent: 1\n") { server in
            // A push whose body arrives slowly holds the only place.
            let (chunks, feed) = AsyncStream.makeStream(of: ByteBuffer.self)
            var slow = HTTPClientRequest(url: server.baseURL + "/api/v1/import/prometheus")
            slow.method = .POST
            slow.body = .stream(chunks, length: .unknown)
            feed.yield(ByteBuffer(string: "slow_metric 1\n"))
            let holder = Task { try await HTTPClient.shared.execute(slow, timeout: .seconds(60)).status.code }
            // Only once the slow push holds the place does another one meet a full house.
            try await server.eventually {
                try await server.get("/metrics").body.contains("osprey_ingest_requests_in_flight 1")
            }

            var turnedAway: TestServer.Reply?
            let deadline = ContinuousClock.now + .seconds(30)
            while turnedAway == nil, ContinuousClock.now < deadline {
                let reply = try await server.post("/api/v1/import/prometheus", body: "quick_metric 1\n")
                if reply.status == 429 { turnedAway = reply } else { try await Task.sleep(for: .milliseconds(10)) }
            }
            #expect(turnedAway?.headers["retry-after"] == "1")
            #expect(turnedAway?.body.contains("too many concurrent ingest requests") == true)

            feed.finish()
            #expect(try await holder.value == 204)
            #expect(try await server.post("/api/v1/import/prometheus", body: "quick_metric 2\n").status == 204)
        }
    }
}
