import Foundation
import NIOCore
import OspreyModel
import OspreyTestSupport
import Testing

/// `/api/v1/import/prometheus` and `/api/v1/import` over real HTTP.
@Suite struct ImportTests {
    static let recent = (SystemClock().now() / 1000 - 600) * 1000

    @Test func pushedTextComesBackExactlyThroughTheQuerier() async throws {
        try await TestServer.with { server in
            let t = Self.recent
            let body = """
                # HELP pushed_total A counter.
                # TYPE pushed_total counter
                pushed_total{path="/a",code="200"} 10 \(t)
                pushed_total{path="/a",code="200"} 12.5 \(t + 15_000)
                pushed_total{path="/b",code="500"} 1 \(t)
                pushed_gauge NaN \(t)
                pushed_gauge -Inf \(t + 1)

                """
            let reply = try await server.post("/api/v1/import/prometheus?extra_label=env=test&extra_label=dc=west", body: body)
            #expect(reply.status == 204, "\(reply.body)")

            let counters = try await server.select([.equal("__name__", "pushed_total")])
            let byPath = Dictionary(uniqueKeysWithValues: counters.map { ($0.labels["path"] ?? "", $0) })
            #expect(byPath["/a"]?.labels == Labels(["__name__": "pushed_total", "path": "/a", "code": "200", "env": "test", "dc": "west"]))
            #expect(byPath["/a"]?.samples == [Sample(timestamp: t, value: 10), Sample(timestamp: t + 15_000, value: 12.5)])
            #expect(byPath["/b"]?.samples == [Sample(timestamp: t, value: 1)])
            let gauge = try #require(try await server.select([.equal("__name__", "pushed_gauge")]).first)
            #expect(gauge.samples.map(\.timestamp) == [t, t + 1])
            #expect(gauge.samples[0].value.isNaN && gauge.samples[1].value == -.infinity)
        }
    }

    /// A push's `# TYPE` and `# HELP` lines are served on `/api/v1/metadata`, and a push refused
    /// whole leaves no metadata behind.
    @Test func typeAndHelpOfAPushAreServedAsMetadata() async throws {
        try await TestServer.with { server in
            let body = "# HELP jobs_done_total Jobs \\ done, by \"queue\".\n# TYPE jobs_done_total counter\njobs_done_total 3\n"
            let pushed = try await server.post("/api/v1/import/prometheus", body: body)
            #expect(pushed.status == 204)
            #expect(
                try await server.get("/api/v1/metadata").body
                    == #"{"status":"success","data":{"jobs_done_total":[{"type":"counter","help":"Jobs \\ done, by \"queue\".","unit":""}]}}"#)

            let refused = "# TYPE refused_total counter\nrefused_total 1\nrefused_total{ 2\n"
            #expect(try await server.post("/api/v1/import/prometheus", body: refused).status == 400)
            #expect(try await server.get("/api/v1/metadata?metric=refused_total").body == #"{"status":"success","data":{}}"#)
        }
    }

    @Test func samplesWithoutTimestampGetTheArrivalTime() async throws {
        try await TestServer.with { server in
            let before = SystemClock().now()
            #expect(try await server.post("/api/v1/import/prometheus", body: "arrival_metric 7\n").status == 204)
            let after = SystemClock().now()
            let sample = try #require(try await server.select([.equal("__name__", "arrival_metric")]).first?.samples.first)
            #expect(sample.value == 7)
            #expect((before...after).contains(sample.timestamp))
        }
    }

    @Test(arguments: [1, 3, 5])
    func aMalformedLineRejectsTheWholePushAndNamesTheLine(badLine: Int) async throws {
        try await TestServer.with { server in
            var lines = (1...5).map { "malformed_probe{n=\"\($0)\"} \($0) \(Self.recent)" }
            lines[badLine - 1] = "malformed_probe{n=\"x\" 1"
            let reply = try await server.post("/api/v1/import/prometheus", body: lines.joined(separator: "\n"))
            #expect(reply.status == 400)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: String])
            #expect(json["status"] == "error")
            #expect(json["errorType"] == "bad_data")
            #expect(json["error"]?.hasPrefix("line \(badLine): ") == true, "\(json)")
            #expect(try await server.select([.equal("__name__", "malformed_probe")]).isEmpty)
        }
    }

    @Test func lineNumbersCountAcrossBlocksOfALargeBody() async throws {
        try await TestServer.with { server in
            // Over 4 MiB, so the body is parsed in several blocks.
            let good = (0..<60_000).map {
                "big_body_metric{series=\"\($0 % 500)\",padding=\"\(String(repeating: "p", count: 40))\"} \($0) \(Self.recent + Int64($0 / 500) * 1000)"
            }
            var lines = good
            lines.insert("big_body_metric{broken", at: 55_000)
            let reply = try await server.post("/api/v1/import/prometheus", body: lines.joined(separator: "\n"))
            #expect(reply.status == 400)
            #expect(reply.body.contains("line 55001: "), "\(reply.body)")
            #expect(try await server.select([.equal("__name__", "big_body_metric")]).isEmpty)

            #expect(try await server.post("/api/v1/import/prometheus", body: good.joined(separator: "\n")).status == 204)
            let stored = try await server.select([.equal("__name__", "big_body_metric")])
            #expect(stored.count == 500)
            #expect(stored.reduce(0) { $0 + $1.samples.count } == 60_000)
        }
    }

    @Test func gzipBodiesFromCurl() async throws {
        try await TestServer.with { server in
            let folder = try TemporaryFolder()
            let file = folder.path + "/body.prom"
            try "gzipped_metric{via=\"curl\"} 42 \(Self.recent)\n".write(toFile: file, atomically: true, encoding: .utf8)
            try await Command.run("/usr/bin/env", ["gzip", "-k", file])
            let status = try await Command.run(
                "/usr/bin/env",
                [
                    "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Content-Encoding: gzip", "--data-binary",
                    "@\(file).gz", server.baseURL + "/api/v1/import/prometheus",
                ])
            #expect(status == "204")
            let series = try await server.select([.equal("__name__", "gzipped_metric")])
            #expect(series.first?.samples == [Sample(timestamp: Self.recent, value: 42)])

            let corrupt = try await server.send(
                "/api/v1/import/prometheus", method: .POST, bytes: [0x1F, 0x8B, 0x08, 0x00, 0xFF, 0xFF], headers: [("Content-Encoding", "gzip")])
            #expect(corrupt.status == 400)
        }
    }

    @Test func jsonLinesAsVictoriaMetricsTakesThem() async throws {
        try await TestServer.with { server in
            let t = Self.recent
            let body = """
                {"metric":{"__name__":"json_metric","job":"a"},"values":[1,2.5,"NaN"],"timestamps":[\(t),\(t + 1000),\(t + 2000)]}
                {"metric":{"__name__":"json_metric","job":"b"},"values":[3],"timestamps":[\(t)]}

                """
            #expect(try await server.post("/api/v1/import", body: body).status == 204)
            let series = try await server.select([.equal("__name__", "json_metric")])
            #expect(series.count == 2)
            let a = try #require(series.first { $0.labels["job"] == "a" })
            #expect(a.samples.map(\.timestamp) == [t, t + 1000, t + 2000])
            #expect(a.samples[1].value == 2.5 && a.samples[2].value.isNaN)

            let bad = try await server.post(
                "/api/v1/import", body: "{\"metric\":{\"__name__\":\"json_bad\"},\"values\":[1],\"timestamps\":[\(t)]}\n{\"metric\":{}}\n")
            #expect(bad.status == 400)
            #expect(bad.body.contains("line 2: "))
            #expect(try await server.select([.equal("__name__", "json_bad")]).isEmpty)
        }
    }
}

/// Runs a command line program to completion and returns what it printed.
enum Command {
    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) async throws -> String {
        try await offCooperativePool { try runBlocking(executable, arguments) }
    }

    @discardableResult
    static func runBlocking(_ executable: String, _ arguments: [String]) throws -> String {
        let output = try Program.runBlocking(executable, arguments)
        guard output.status == 0 else {
            throw TestFailure("\(arguments.first ?? executable) exited with \(output.status): \(output.stderrText)")
        }
        return output.stdoutText
    }
}
