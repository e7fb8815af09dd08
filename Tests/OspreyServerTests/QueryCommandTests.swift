import Foundation
import OspreyModel
import Testing

@testable import osprey

/// `osprey query`: its rendering, and the binary against a real server.
@Suite struct QueryCommandTests {
    @Test func anInstantVectorPrintsAsAlignedSeriesAndValues() throws {
        let reply = try JSONDecoder().decode(
            QueryReply.self,
            from: Data(
                #"""
                {"status":"success","data":{"resultType":"vector","result":[
                {"metric":{"__name__":"up","job":"api","instance":"a:1"},"value":[1700000000,"1"]},
                {"metric":{"__name__":"up","job":"db"},"value":[1700000000,"NaN"]},
                {"metric":{},"value":[1700000000,"-Inf"]}]}}
                """#.utf8))
        let data = try #require(reply.data)
        #expect(
            QueryTable.render(data) == """
                up{instance="a:1", job="api"}  1
                up{job="db"}                   NaN
                {}                             -Inf

                """)
    }

    @Test func scalarsAndStringsPrintAsTheirValue() throws {
        let scalar = try JSONDecoder().decode(
            QueryReply.self, from: Data(#"{"status":"success","data":{"resultType":"scalar","result":[1.5,"2"]}}"#.utf8))
        #expect(QueryTable.render(try #require(scalar.data)) == "2\n")
        let string = try JSONDecoder().decode(
            QueryReply.self, from: Data(#"{"status":"success","data":{"resultType":"string","result":[1,"a b"]}}"#.utf8))
        #expect(QueryTable.render(try #require(string.data)) == "a b\n")
    }

    @Test func aRangePrintsASparklinePerSeries() throws {
        let reply = try JSONDecoder().decode(
            QueryReply.self,
            from: Data(
                #"""
                {"status":"success","data":{"resultType":"matrix","result":[
                {"metric":{"__name__":"load","host":"a"},"values":[[1,"0"],[2,"1"],[3,"2"],[4,"3"],[5,"4"],[6,"5"],[7,"6"],[8,"7"]]},
                {"metric":{"__name__":"load","host":"bb"},"values":[[1,"5"],[2,"NaN"],[3,"5"]]}]}}
                """#.utf8))
        #expect(
            QueryTable.render(try #require(reply.data)) == """
                load{host="a"}   ▁▂▃▄▅▆▇█  min 0  max 7  last 7
                load{host="bb"}  ▁ ▁       min 5  max 5  last 5

                """)
        #expect(QueryTable.sparkline(Array(repeating: 1, count: 1000) + Array(repeating: 9, count: 1000)).count == 60)
        #expect(QueryTable.sparkline([]) == "")
    }

    @Test func relativeTimesResolveAgainstNow() throws {
        let now = Date(timeIntervalSince1970: 1_700_000_000.5)
        #expect(try RelativeTime.parameter("now", now: now) == "1700000000.5")
        #expect(try RelativeTime.parameter("now-1h", now: now) == "1699996400.5")
        #expect(try RelativeTime.parameter("now+90s", now: now) == "1700000090.5")
        #expect(try RelativeTime.parameter("2023-11-14T22:13:20Z", now: now) == "2023-11-14T22:13:20Z")
        #expect(try RelativeTime.milliseconds("2023-11-14T22:13:20.25Z", now: now) == 1_700_000_000_250)
        #expect(try RelativeTime.milliseconds("1700000000", now: now) == 1_700_000_000_000)
        #expect(throws: RelativeTime.Invalid.self) { try RelativeTime.parameter("now-soon", now: now) }
        #expect(RelativeTime.seconds(-500) == "-0.5")
    }

    /// Every `now` of one command is the same instant: read twice, a range of 105 s could come out
    /// a millisecond short and lose its last step.
    @Test func everyNowOfACommandIsOneInstant() throws {
        let now = Date(timeIntervalSince1970: 1_700_000_000.25)
        let command = try QueryCommand.parse(["--start", "now-105s", "--end", "now", "--step", "15s", "up"])
        let (path, parameters) = try command.request(now: now)
        #expect(path == "/api/v1/query_range")
        let values = Dictionary(parameters) { first, _ in first }
        #expect(values["start"] == "1699999895.25")
        #expect(values["end"] == "1700000000.25")
        let instant = try QueryCommand.parse(["--time", "now-1m", "up"]).request(now: now)
        #expect(instant.1.first { $0.0 == "time" }?.1 == "1699999940.25")
    }

    @Test func errorsGoToStandardErrorWithExitCode1() async throws {
        try await TestServer.with(config: "auth:\n  tokens:\n    - {name: reader, token: query-token-0123456789, role: query}\n") { server in
            let refused = try await OspreyBinary.run(["query", "--server", server.baseURL, "up"])
            #expect(refused.status == 1)
            #expect(refused.stdout.isEmpty)
            #expect(
                refused.stderr == "osprey query: unauthorized (401): a bearer token is required; "
                    + "give a token with the query role: --token TOKEN or OSPREY_TOKEN=TOKEN\n", "\(refused.stderr)")
            let wrong = try await OspreyBinary.run(["query", "--server", server.baseURL, "--token", "not-the-token-0123456789", "up"])
            #expect(wrong.stderr.hasSuffix("; the token given (--token or OSPREY_TOKEN) was refused\n"), "\(wrong.stderr)")

            let badTime = try await OspreyBinary.run(["query", "--server", server.baseURL, "--token", "query-token-0123456789", "--time", "x", "up"])
            #expect(badTime.status == 1)
            #expect(
                badTime.stderr.contains(
                    #"bad_data (400): invalid parameter "time": Invalid time value for 'time': cannot parse "x" to a valid timestamp"#),
                "\(badTime.stderr)")

            let badStep = try await OspreyBinary.run(
                ["query", "--server", server.baseURL, "--token", "query-token-0123456789", "--start", "now-1h", "--step", "0", "up"])
            #expect(badStep.status == 1)
            #expect(badStep.stderr.contains("zero or negative query resolution step widths are not accepted"), "\(badStep.stderr)")

            let relative = try await OspreyBinary.run(["query", "--server", server.baseURL, "--time", "now-", "up"])
            #expect(relative.status == 1)
            #expect(relative.stderr.contains("is not now, now-DURATION"), "\(relative.stderr)")

            let unreachable = try await OspreyBinary.run(["query", "--server", "http://127.0.0.1:1", "up"])
            #expect(unreachable.status == 1)
            #expect(
                unreachable.stderr.hasPrefix("osprey query: cannot reach http://127.0.0.1:1: connection refused: 127.0.0.1:1"),
                "\(unreachable.stderr)")
            #expect(!unreachable.stderr.contains("error set"), "\(unreachable.stderr)")
        }
    }

    /// Needs the PromQL engine.
    @Test func queriesPushedDataEndToEnd() async throws {
        try await TestServer.with { server in
            let now = SystemClock().now()
            let body =
                (0..<8).map { "cli_load{host=\"a\"} \($0) \(now - Int64(7 - $0) * 15_000)" }.joined(separator: "\n")
                + "\ncli_load{host=\"b\"} 2.5 \(now)\n"
            #expect(try await server.post("/api/v1/import/prometheus", body: body).status == 204)
            let instant = try await OspreyBinary.run(["query", "--server", server.baseURL, "cli_load"])
            #expect(instant.status == 0, "\(instant.stderr)")
            #expect(instant.stdout == "cli_load{host=\"a\"}  7\ncli_load{host=\"b\"}  2.5\n", "\(instant.stdout)")

            let range = try await OspreyBinary.run(
                ["query", "--server", server.baseURL, "--start", "now-105s", "--end", "now", "--step", "15s", "cli_load{host=\"a\"}"])
            #expect(range.status == 0, "\(range.stderr)")
            #expect(range.stdout.hasPrefix("cli_load{host=\"a\"}  "), "\(range.stdout)")
            #expect(range.stdout.contains("min 0") || range.stdout.contains("min 1"), "\(range.stdout)")
            #expect(range.stdout.hasSuffix("max 7  last 7\n"), "\(range.stdout)")

            let scalar = try await OspreyBinary.run(["query", "--server", server.baseURL, "--time", "1700000000", "1+1"])
            #expect(scalar.stdout == "2\n")
        }
    }
}
