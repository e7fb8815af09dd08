import Foundation
import Testing

/// The query API's answers where they need the PromQL parser (queries, `match[]`) and engine.
/// Each expected body is what Prometheus 2.42 answers for the same data and request.
@Suite struct QueryEvaluationAPITests {
    static let t0: Int64 = 1_700_000_000_000

    /// Samples 15 s apart from `t0`, in Prometheus text format with millisecond timestamps.
    static let data = """
        api_requests_total{job="api",instance="a:1"} 1 \(t0)
        api_requests_total{job="api",instance="a:1"} 4 \(t0 + 15_000)
        api_requests_total{job="api",instance="b:1"} 2 \(t0)
        api_requests_total{job="api",instance="b:1"} 2.5 \(t0 + 15_000)
        batch_runs_total{job="batch"} 3 \(t0)
        """

    /// A server whose retention reaches back to `t0`, holding `data`.
    private func withData(_ extraConfig: String = "", _ body: @Sendable (TestServer) async throws -> Void) async throws {
        try await TestServer.with(config: "storage:\n  retention: 100y\n" + extraConfig) { server in
            #expect(try await server.post("/api/v1/import/prometheus", body: Self.data).status == 204)
            try await body(server)
        }
    }

    /// A subquery without a step takes `global.evaluation_interval`, as in Prometheus: every 5 s
    /// over 30 s from `t0 + 20 s` sees the samples at t0, +5 s, +10 s, +15 s and +20 s.
    @Test func subqueriesWithoutAStepTakeTheEvaluationInterval() async throws {
        try await withData("global:\n  evaluation_interval: 5s\n") { server in
            let query =
                #"count_over_time(api_requests_total{instance="a:1"}[30s:])"#
                .addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let reply = try await server.get("/api/v1/query?query=\(query)&time=1700000020")
            #expect(reply.body.contains(#""value":[1700000020,"5"]"#), "\(reply.body)")
        }
    }

    @Test func grafanasHealthCheckQueryAnswers() async throws {
        try await TestServer.with { server in
            let reply = try await server.get("/api/v1/query?query=1%2B1&time=1700000000.5")
            #expect(reply.body == #"{"status":"success","data":{"resultType":"scalar","result":[1700000000.5,"2"]}}"#)
            let posted = try await server.send(
                "/api/v1/query", method: .POST, body: "query=1%2B1&time=1700000000",
                headers: [("Content-Type", "application/x-www-form-urlencoded")])
            #expect(posted.body == #"{"status":"success","data":{"resultType":"scalar","result":[1700000000,"2"]}}"#)
            let now = try await server.get("/api/v1/query?query=time()")
            #expect(now.status == 200)
            #expect(now.body.contains(#""resultType":"scalar""#))
        }
    }

    @Test func instantAndRangeResultsAreShapedAsPrometheus() async throws {
        try await withData { server in
            let vector = try await server.get("/api/v1/query?query=api_requests_total&time=1700000015")
            #expect(
                vector.body == #"{"status":"success","data":{"resultType":"vector","result":["#
                    + #"{"metric":{"__name__":"api_requests_total","instance":"a:1","job":"api"},"value":[1700000015,"4"]},"#
                    + #"{"metric":{"__name__":"api_requests_total","instance":"b:1","job":"api"},"value":[1700000015,"2.5"]}]}}"#)
            let sum = try await server.get("/api/v1/query?query=sum(api_requests_total)&time=2023-11-14T22:13:35Z")
            #expect(sum.body == #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1700000015,"6.5"]}]}}"#)
            let range = try await server.get("/api/v1/query_range?query=vector(1)&start=1700000000&end=1700000030&step=15s")
            #expect(
                range.body
                    == #"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1700000000,"1"],[1700000015,"1"],[1700000030,"1"]]}]}}"#
            )
            let string = try await server.get("/api/v1/query?query=%22a%5Cnb%22&time=1700000000")
            #expect(string.body == #"{"status":"success","data":{"resultType":"string","result":[1700000000,"a\nb"]}}"#)
            let huge = try await server.get("/api/v1/query?query=1e300&time=1700000000")
            #expect(huge.body.contains(#"[1700000000,"1"# + String(repeating: "0", count: 300) + #""]"#))
        }
    }

    @Test func parseAndExecutionErrorsAreTypedAsPrometheus() async throws {
        try await withData("query:\n  max_samples: 3\n") { server in
            let instant = try await server.get("/api/v1/query?query=sum(&time=1")
            #expect(instant.status == 400)
            #expect(
                instant.body
                    == #"{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:5: parse error: unclosed left parenthesis"}"#
            )
            let range = try await server.get("/api/v1/query_range?query=sum(&start=1&end=2&step=1")
            #expect(range.body == #"{"status":"error","errorType":"bad_data","error":"1:5: parse error: unclosed left parenthesis"}"#)
            let missing = try await server.get("/api/v1/query?time=1")
            #expect(missing.body.contains("no expression found in input"))
            let execution = try await server.get(
                "/api/v1/query?time=1&query=" + #"label_replace(vector(1),"1x","a","","")"#.addingPercentEncoding(
                    withAllowedCharacters: .alphanumerics)!)
            #expect(execution.status == 422)
            #expect(execution.body.contains(#""errorType":"execution""#))
            let tooMany = try await server.get("/api/v1/query?query=api_requests_total[1m]&time=1700000015")
            #expect(tooMany.status == 422)
            #expect(tooMany.body.contains("query processing would load too many samples into memory"))
        }
    }

    @Test func seriesAndLabelsFollowTheirSelectors() async throws {
        // Foundation re-escapes every `%` of a URL that also holds a raw `[`, so URLs with
        // escapes spell `match[]` escaped too, as curl and Grafana send it.
        try await withData { server in
            let series = try await server.get("/api/v1/series?match%5B%5D=api_requests_total&match%5B%5D=%7Bjob%3D%22batch%22%7D")
            #expect(
                series.body == #"{"status":"success","data":["#
                    + #"{"__name__":"api_requests_total","instance":"a:1","job":"api"},"#
                    + #"{"__name__":"api_requests_total","instance":"b:1","job":"api"},"#
                    + #"{"__name__":"batch_runs_total","job":"batch"}]}"#)
            let posted = try await server.send(
                "/api/v1/series", method: .POST, body: "match[]=batch_runs_total&start=1700000000&end=1700000001",
                headers: [("Content-Type", "application/x-www-form-urlencoded")])
            #expect(posted.body == #"{"status":"success","data":[{"__name__":"batch_runs_total","job":"batch"}]}"#)
            let outside = try await server.get("/api/v1/series?match[]=batch_runs_total&start=1600000000&end=1600000001")
            #expect(outside.body == #"{"status":"success","data":[]}"#)
            let names = try await server.get("/api/v1/labels?match[]=batch_runs_total")
            #expect(names.body == #"{"status":"success","data":["__name__","job"]}"#)
            let values = try await server.get("/api/v1/label/instance/values?match[]=api_requests_total")
            #expect(values.body == #"{"status":"success","data":["a:1","b:1"]}"#)

            let empty = "%7Bjob%3D%22%22%7D"
            #expect(
                try await server.get("/api/v1/series?match%5B%5D=\(empty)").body
                    == #"{"status":"error","errorType":"bad_data","error":"invalid parameter \"match[]\": match[] must contain at least one non-empty matcher"}"#
            )
            #expect(
                try await server.get("/api/v1/labels?match%5B%5D=\(empty)").body
                    == #"{"status":"error","errorType":"bad_data","error":"match[] must contain at least one non-empty matcher"}"#)
            #expect(
                try await server.get("/api/v1/label/job/values?match%5B%5D=up%7B").body
                    == #"{"status":"error","errorType":"bad_data","error":"1:4: parse error: unexpected end of input inside braces"}"#)
            #expect(
                try await server.get("/api/v1/series?match[]=sum(up)").body
                    == #"{"status":"error","errorType":"bad_data","error":"invalid parameter \"match[]\": 1:4: parse error: unexpected \"(\""}"#)
        }
    }

    @Test func formatQueryAndExemplarsParseTheQuery() async throws {
        try await TestServer.with { server async throws in
            #expect(
                try await server.get("/api/v1/format_query?query=sum(rate(x%5B5m%5D))by(job)").body
                    == #"{"status":"success","data":"sum by (job) (rate(x[5m]))"}"#)
            #expect(
                try await server.get("/api/v1/format_query?query=sum(").body
                    == #"{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:5: parse error: unclosed left parenthesis"}"#
            )
            #expect(try await server.get("/api/v1/query_exemplars?query=up&start=1&end=2").body == #"{"status":"success","data":[]}"#)
            #expect(
                try await server.get("/api/v1/query_exemplars?query=sum(").body
                    == #"{"status":"error","errorType":"bad_data","error":"1:5: parse error: unclosed left parenthesis"}"#)
        }
    }
}
