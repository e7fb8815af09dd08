import AsyncHTTPClient
import Foundation
import NIOCore
import OspreyTestSupport
import Testing

/// Queries and pushes with times at the ends of 64 bits, sent to a running `osprey server`
/// binary: each is answered (400 `bad_data` where Prometheus refuses it), the process stays up
/// and `/-/healthy` answers after each, and SIGTERM still stops it within 5 s. Before, `x @ 1e18`
/// ended the process with an arithmetic overflow.
@Suite(.needsAQuietMachine) struct TimeOverflowProcessTests {
    struct Case: Sendable, CustomStringConvertible {
        var path: String
        var status: Int
        /// Text the answer holds.
        var answer: String
        var description: String { path }
    }

    static func query(_ text: String, _ extra: String = "") -> String {
        "/api/v1/query?query=" + (text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text) + extra
    }

    static func rangeQuery(_ text: String, start: String, end: String, step: String) -> String {
        "/api/v1/query_range?query=" + (text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text)
            + "&start=\(start)&end=\(end)&step=\(step)"
    }

    static let outOfBounds = "timestamp out of bounds for @ modifier: "
    static let cases: [Case] = [
        Case(path: query("many_series @ 1e18"), status: 400, answer: outOfBounds + "1000000000000000000.000000"),
        Case(path: query("many_series @ -1e18"), status: 400, answer: outOfBounds + "-1000000000000000000.000000"),
        Case(path: query("rate(many_series[5m] @ 1e18)"), status: 400, answer: outOfBounds + "1000000000000000000.000000"),
        Case(path: rangeQuery("many_series @ 1e18", start: "0", end: "60", step: "15"), status: 400, answer: "bad_data"),
        // Times that fit, moved past the end of 64 bits by an offset, a range or the lookback.
        Case(path: query("many_series @ 9223372036854774 offset -292y"), status: 200, answer: #""result":[]"#),
        Case(path: query("many_series @ -9223372036854774"), status: 200, answer: #""result":[]"#),
        Case(path: query("rate(many_series[292y] @ -9223372036854774)"), status: 200, answer: #""status":"success""#),
        Case(path: query("predict_linear(many_series[292y] @ -9223372036854774 offset -292y, 1)"), status: 200, answer: "success"),
        Case(path: query("many_series offset 292y", "&time=-9.19e15"), status: 200, answer: "success"),
        Case(path: query("max_over_time(many_series[5m:1m] offset -292y)", "&time=9.19e15"), status: 200, answer: "success"),
        // From the earliest time the API reads to the latest is more milliseconds than 63 bits count.
        Case(
            path: rangeQuery("many_series", start: "-9.19e15", end: "9.19e15", step: "1"), status: 400,
            answer: "exceeded maximum resolution of 11,000 points per timeseries"),
        Case(path: rangeQuery("time()", start: "-9.19e15", end: "9.19e15", step: "1e15"), status: 200, answer: "success"),
        // 31.5 billion subquery steps are refused before one is allocated.
        Case(path: query("max_over_time(many_series[1y:1ms])"), status: 422, answer: "query.max_samples"),
    ]

    @Test func extremeTimesAreAnsweredAndTheServerStaysUp() async throws {
        let server = try ServerProcess()
        // The query log prints every query's times, 292 million years away included.
        let queryLog = server.folder.path + "/queries.log"
        try await server.start(config: "global:\n  query_log_file: \(queryLog)\n")

        let series = (0..<20).map { "many_series{n=\"\($0)\"} \($0)" }.joined(separator: "\n")
        #expect(try await server.push(series + "\n").status == 204)

        for item in Self.cases {
            let reply = try await server.get(item.path)
            #expect(reply.status == item.status, "\(item): \(reply.body.prefix(300))")
            #expect(reply.body.contains(item.answer), "\(item): \(reply.body.prefix(300))")
            if item.status == 400 { #expect(reply.body.contains(#""errorType":"bad_data""#), "\(item): \(reply.body.prefix(300))") }
            #expect(server.isRunning, "the server died answering \(item); log: \(server.log)")
            let asked = ContinuousClock.now
            let health = try? await server.get("/-/healthy")
            #expect(health?.status == 200 && ContinuousClock.now - asked < .seconds(1), "/-/healthy after \(item)")
        }

        let logged = try String(contentsOfFile: queryLog, encoding: .utf8)
        #expect(
            logged.contains(#""end":"291221476-11-16T17:46:40.000Z","query":"time()","start":"-291217537-02-14T06:13:20.000Z""#),
            "\(logged)")

        // Pushes with timestamps at the ends of 64 bits are refused, and the server goes on.
        for timestamp in ["9223372036854775807", "-9223372036854775808"] {
            let pushed = try await server.push("edge_metric 1 \(timestamp)\n")
            #expect(pushed.status == 400, "\(timestamp): \(pushed.body)")
            #expect(pushed.body.contains("edge_metric"), "\(pushed.body)")
        }
        #expect(try await server.get("/-/healthy").status == 200)

        #expect(try await server.terminate(within: .seconds(5)), "SIGTERM stopped the server within 5 s; log: \(server.log)")
        #expect((server.terminationStatus ?? 0) == 0, "log: \(server.log)")
    }
}
