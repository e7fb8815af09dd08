import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import OspreyModel
import Testing

/// The query API's parameters, errors, auth and bulkhead, over real HTTP. Every expected body
/// is what Prometheus 2.42 answers to the same request. None of these needs the PromQL parser
/// or engine: each request stops before evaluation, or reads labels without a selector.
@Suite struct QueryAPITests {
    static let errorPrefix = #"{"status":"error","errorType":"bad_data","error":"#

    private func expectBadData(_ server: TestServer, _ path: String, _ message: String) async throws {
        let reply = try await server.get(path)
        #expect(reply.status == 400, "\(path): \(reply.body)")
        #expect(reply.contentType == "application/json")
        #expect(reply.body == Self.errorPrefix + "\"" + message + "\"}", "\(path)")
    }

    /// One deadline, the engine's: a query past its `timeout` stops where it is and answers 503
    /// with Prometheus's words, however long it would have run.
    @Test func aQueryPastItsTimeoutAnswers503() async throws {
        try await TestServer.with { server in
            // A month of one-second steps: millions of points, far past a millisecond's work.
            let reply = try await server.get("/api/v1/query?query=count_over_time(vector(1)%5B30d:1s%5D)&time=1700000000&timeout=1ms")
            #expect(reply.status == 503, "\(reply.body)")
            #expect(reply.body.contains(#""errorType":"timeout""#), "\(reply.body)")
            #expect(reply.body.contains("query timed out in expression evaluation"), "\(reply.body)")
        }
    }

    @Test func timeParametersAreCheckedAsPrometheusChecksThem() async throws {
        try await TestServer.with { server in
            try await expectBadData(
                server, "/api/v1/query?query=1&time=x",
                #"invalid parameter \"time\": Invalid time value for 'time': cannot parse \"x\" to a valid timestamp"#)
            try await expectBadData(
                server, "/api/v1/query?query=1&time=2023-11-14",
                #"invalid parameter \"time\": Invalid time value for 'time': cannot parse \"2023-11-14\" to a valid timestamp"#)
            try await expectBadData(
                server, "/api/v1/query?query=1&time=1&timeout=x", #"invalid parameter \"timeout\": cannot parse \"x\" to a valid duration"#)
            try await expectBadData(
                server, "/api/v1/query_range?query=1&start=x&end=2&step=1",
                #"invalid parameter \"start\": cannot parse \"x\" to a valid timestamp"#)
            try await expectBadData(
                server, "/api/v1/query_range?query=1&end=2&step=1", #"invalid parameter \"start\": cannot parse \"\" to a valid timestamp"#)
            try await expectBadData(
                server, "/api/v1/query_range?query=1&start=1&end=y&step=1", #"invalid parameter \"end\": cannot parse \"y\" to a valid timestamp"#)
            try await expectBadData(
                server, "/api/v1/query_range?query=1&start=1700000000&end=1600000000&step=10",
                #"invalid parameter \"end\": end timestamp must not be before start time"#)
            try await expectBadData(
                server, "/api/v1/query_range?query=1&start=1&end=2", #"invalid parameter \"step\": cannot parse \"\" to a valid duration"#)
            try await expectBadData(
                server, "/api/v1/query_range?query=1&start=1&end=2&step=x", #"invalid parameter \"step\": cannot parse \"x\" to a valid duration"#)
            try await expectBadData(
                server, "/api/v1/query_range?query=1&start=1&end=2&step=-15s",
                #"invalid parameter \"step\": cannot parse \"-15s\" to a valid duration"#)
            for step in ["0", "0s", "-1", "0.0001"] {
                try await expectBadData(
                    server, "/api/v1/query_range?query=1&start=1&end=2&step=\(step)",
                    #"invalid parameter \"step\": zero or negative query resolution step widths are not accepted. Try a positive integer"#)
            }
            try await expectBadData(
                server, "/api/v1/query_range?query=1&start=1700000000&end=1700110000&step=1",
                "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)")
            try await expectBadData(
                server, "/api/v1/query_range?query=1&start=2023-11-14T22:13:20Z&end=2023-11-14T22:13:20.5%2B01:00&step=15s",
                #"invalid parameter \"end\": end timestamp must not be before start time"#)
            try await expectBadData(
                server, "/api/v1/labels?start=x",
                #"invalid parameter \"start\": Invalid time value for 'start': cannot parse \"x\" to a valid timestamp"#)
            try await expectBadData(
                server, "/api/v1/label/job/values?end=1e400",
                #"invalid parameter \"end\": Invalid time value for 'end': cannot parse \"1e400\" to a valid timestamp"#)
            try await expectBadData(server, "/api/v1/label/1bad/values", #"invalid label name: \"1bad\""#)
            try await expectBadData(server, "/api/v1/series", "no match[] parameter provided")
            try await expectBadData(server, "/api/v1/series?start=1", "no match[] parameter provided")
            try await expectBadData(server, "/api/v1/metadata?limit=x", "limit must be a number")
            try await expectBadData(server, "/api/v1/query_exemplars?query=up&start=5&end=1", "end timestamp must not be before start timestamp")
        }
    }

    @Test func timesInEveryFormAndStepsInBothFormsAreAccepted() async throws {
        try await TestServer.with { server in
            for time in [
                "1700000000", "1700000000.123", "1e9", "-1.5", "2023-11-14T22:13:20Z", "2023-11-14T22:13:20.123456789Z",
                "2023-11-14T23:13:20.5%2B01:00", "-292273086-05-16T16:47:06Z", "292277025-08-18T07:12:54.999999999Z",
            ] {
                let reply = try await server.get("/api/v1/labels?start=\(time)&end=\(time)")
                #expect(reply.status == 200, "\(time): \(reply.body)")
            }
            // Past the parameters a range query reaches the engine; both step forms pass the checks.
            for step in ["15s", "15", "0.5", "1m30s"] {
                let reply = try await server.get("/api/v1/query_range?query=vector(1)&start=1700000000&end=1700000030&step=\(step)")
                #expect(reply.status != 400, "\(step): \(reply.body)")
            }
        }
    }

    @Test func formPostsAreReadLikeQueryStrings() async throws {
        try await TestServer.with { server in
            let form = [("Content-Type", "application/x-www-form-urlencoded")]
            let bad = try await server.send("/api/v1/query?time=5", method: .POST, body: "query=1&time=x", headers: form)
            #expect(bad.body.contains(#"cannot parse \"x\" to a valid timestamp"#), "\(bad.body)")
            // The body's value wins over the URL's, as in Go's FormValue.
            let urlOnly = try await server.send("/api/v1/query?time=y", method: .POST, body: "query=1", headers: form)
            #expect(urlOnly.body.contains(#"cannot parse \"y\""#), "\(urlOnly.body)")
            let range = try await server.send(
                "/api/v1/query_range", method: .POST, body: "query=up&start=1&end=2&step=0",
                headers: [("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")])
            #expect(range.body.contains("zero or negative query resolution step"), "\(range.body)")
            let series = try await server.send("/api/v1/series", method: .POST, body: "start=1", headers: form)
            #expect(series.body.contains("no match[] parameter provided"))
            // Other bodies are not forms, as in Go.
            let text = try await server.send(
                "/api/v1/query_range", method: .POST, body: "query=up&start=1&end=2&step=1", headers: [("Content-Type", "text/plain")])
            #expect(text.body.contains(#"invalid parameter \"start\""#), "\(text.body)")
        }
    }

    @Test func metadataAndExemplarsAnswerEmptyAsPrometheusWithNone() async throws {
        try await TestServer.with { server async throws in
            #expect(try await server.get("/api/v1/metadata").body == #"{"status":"success","data":{}}"#)
            #expect(try await server.get("/api/v1/metadata?limit=1&metric=up").body == #"{"status":"success","data":{}}"#)
        }
    }

    @Test func labelsAndValuesListWhatWasPushed() async throws {
        try await TestServer.with { server async throws in
            let now = SystemClock().now()
            let body = """
                api_requests_total{job="api",instance="a:1",path="/x"} 1 \(now)
                api_requests_total{job="api",instance="b:1",path="/y"} 2 \(now)
                batch_runs_total{job="batch",owner="ops"} 3 \(now)
                """
            #expect(try await server.post("/api/v1/import/prometheus", body: body).status == 204)
            #expect(
                try await server.get("/api/v1/labels").body
                    == #"{"status":"success","data":["__name__","instance","job","owner","path"]}"#)
            #expect(
                try await server.get("/api/v1/label/__name__/values").body
                    == #"{"status":"success","data":["api_requests_total","batch_runs_total"]}"#)
            #expect(try await server.get("/api/v1/label/job/values?start=0").body == #"{"status":"success","data":["api","batch"]}"#)
            #expect(try await server.post("/api/v1/label/path/values").body == #"{"status":"success","data":["/x","/y"]}"#)
            #expect(try await server.get("/api/v1/label/missing/values").body == #"{"status":"success","data":[]}"#)
        }
    }

    @Test func queryEndpointsNeedAQueryOrAdminToken() async throws {
        let config = """
            auth:
              tokens:
                - {name: pusher, token: ingest-token-0123456789, role: ingest}
                - {name: reader, token: query-token-0123456789, role: query}
                - {name: root, token: admin-token-0123456789, role: admin}
            """
        try await TestServer.with(config: config) { server in
            for path in [
                "/api/v1/labels", "/api/v1/label/__name__/values", "/api/v1/query?query=1", "/api/v1/series?match[]=up",
                "/api/v1/metadata", "/api/v1/query_range?query=1&start=1&end=2&step=1", "/api/v1/format_query?query=1",
            ] {
                let anonymous = try await server.get(path)
                #expect(anonymous.status == 401, "\(path)")
                #expect(anonymous.headers["www-authenticate"] == "Bearer")
                #expect(anonymous.body == #"{"status":"error","errorType":"unauthorized","error":"a bearer token is required"}"#)
                let pusher = try await server.send(path, method: .GET, headers: [("Authorization", "Bearer ingest-token-0123456789")])
                #expect(pusher.status == 403, "\(path)")
                #expect(pusher.body.contains("token \\\"pusher\\\" has role ingest, this needs query"), "\(pusher.body)")
                #expect(!pusher.body.contains("ingest-token-0123456789"))
            }
            for token in ["query-token-0123456789", "admin-token-0123456789"] {
                let allowed = try await server.send("/api/v1/labels", method: .GET, headers: [("Authorization", "Bearer \(token)")])
                #expect(allowed.status == 200)
                #expect(allowed.body == #"{"status":"success","data":[]}"#)
                let posted = try await server.send(
                    "/api/v1/label/job/values", method: .POST, body: "start=1",
                    headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/x-www-form-urlencoded")])
                #expect(posted.status == 200)
            }
            let reader = [("Authorization", "Bearer query-token-0123456789")]
            #expect(try await server.send("/api/v1/import/prometheus", method: .POST, body: "m 1\n", headers: reader).status == 403)
        }
    }

    /// A request whose form body arrives slowly holds one place of its bulkhead until it is done.
    private func holdPlace(_ server: TestServer, path: String, contentType: String)
        -> (task: Task<UInt, any Error>, release: @Sendable () -> Void)
    {
        let (chunks, feed) = AsyncStream.makeStream(of: ByteBuffer.self)
        var slow = HTTPClientRequest(url: server.baseURL + path)
        slow.method = .POST
        slow.headers.add(name: "Content-Type", value: contentType)
        slow.body = .stream(chunks, length: .unknown)
        feed.yield(ByteBuffer(string: contentType.hasPrefix("application/x-www") ? "start=" : "held_metric 1\n"))
        let task = Task { try await HTTPClient.shared.execute(slow, timeout: .seconds(60)).status.code }
        return (
            task,
            {
                if contentType.hasPrefix("application/x-www") { feed.yield(ByteBuffer(string: "1")) }
                feed.finish()
            }
        )
    }

    private func saturated(_ server: TestServer, _ send: @Sendable () async throws -> TestServer.Reply) async throws -> TestServer.Reply? {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let reply = try await send()
            if reply.status == 429 { return reply }
            try await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    @Test func aSaturatedIngestLeavesQueriesAnswering() async throws {
        try await TestServer.with(config: "ingest:\n  max_concurrent: 1\nquery:\n  max_concurrent: 1\n") { server in
            let holder = holdPlace(server, path: "/api/v1/import/prometheus", contentType: "text/plain")
            try await server.eventually {
                try await server.get("/metrics").body.contains("osprey_ingest_requests_in_flight 1")
            }
            let pushes = try await saturated(server) { try await server.post("/api/v1/import/prometheus", body: "quick_metric 1\n") }
            #expect(pushes?.body.contains("too many concurrent ingest requests") == true)
            // Queries have their own places: one is free.
            let labels = try await server.get("/api/v1/label/__name__/values")
            #expect(labels.status == 200, "\(labels.body)")
            let query = try await server.get("/api/v1/query?query=1&time=x")
            #expect(query.status == 400)
            holder.release()
            #expect(try await holder.task.value == 204)
        }
    }

    @Test func aSaturatedQueryBulkheadAnswers429AndLeavesIngestAnswering() async throws {
        try await TestServer.with(config: "ingest:\n  max_concurrent: 1\nquery:\n  max_concurrent: 1\n") { server in
            let holder = holdPlace(server, path: "/api/v1/labels", contentType: "application/x-www-form-urlencoded")
            try await server.eventually {
                try await server.get("/metrics").body.contains("osprey_query_requests_in_flight 1")
            }
            let turnedAway = try await saturated(server) { try await server.get("/api/v1/label/__name__/values") }
            #expect(turnedAway?.headers["retry-after"] == "1")
            #expect(turnedAway?.body == #"{"status":"error","errorType":"unavailable","error":"too many concurrent query requests; retry shortly"}"#)
            #expect(try await server.post("/api/v1/import/prometheus", body: "pushed_meanwhile 1\n").status == 204)
            holder.release()
            #expect(try await holder.task.value == 200)
            #expect(try await server.get("/api/v1/label/__name__/values").body == #"{"status":"success","data":["pushed_meanwhile"]}"#)
        }
    }
}
