import AsyncHTTPClient
import Foundation
import NIOCore
import OspreyTestSupport
import Testing

/// A regex that backtracking engines take exponential time on, queried against a running
/// `osprey server` binary while pushes and scrapes go on: health checks keep answering within a
/// second, pushes are taken, the query answers, and SIGTERM still stops the server within 5 s.
@Suite(.needsAQuietMachine) struct RegexQueryProcessTests {
    static let pathological = #"longlabel{v=~"(a+)+$"}"#

    @Test func aPathologicalRegexLeavesHealthPushesAndShutdownAlone() async throws {
        let server = try ServerProcess()
        let base = server.base
        try await server.start(
            config: """
                scrape_configs:
                  - job_name: loop
                    scrape_interval: 1s
                    static_configs: [{targets: ["127.0.0.1:\(server.port)"]}]
                """)

        // 4,000 `a`s and a `b`: `(a+)+$` fails on it only after trying every way to split the `a`s.
        let long = String(repeating: "a", count: 4000) + "b"
        let pushed = try await server.push("longlabel{v=\"\(long)\"} 1\nlonglabel{v=\"aaaa\"} 2\n")
        #expect(pushed.status == 204, "\(pushed.body)")

        // Queries back to back for the whole window, so every health check and push below meets one running.
        let queries = Task { () -> (answered: Int, problems: [String]) in
            var answered = 0
            var problems: [String] = []
            let query = Self.pathological.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            while !Task.isCancelled {
                guard
                    let reply = try? await OspreyProcesses.send(HTTPClientRequest(url: base + "/api/v1/query?query=\(query)"), timeout: .seconds(120))
                else { break }
                answered += 1
                if reply.status != 200 || !reply.body.contains(#""v":"aaaa""#) || reply.body.contains("aaaab") {
                    problems.append("\(reply.status): \(reply.body.prefix(300))")
                }
            }
            return (answered, problems)
        }
        let window = ContinuousClock.now + .seconds(4)
        var checks = 0
        while ContinuousClock.now < window {
            let asked = ContinuousClock.now
            let health = try? await server.get("/-/healthy")
            let took = ContinuousClock.now - asked
            #expect(health?.status == 200 && took < .seconds(1), "/-/healthy took \(took) while the query ran")
            if checks % 4 == 0 {
                let push = try? await server.push("during_query{check=\"\(checks)\"} \(checks)\n")
                #expect(push?.status == 204, "a push while the query ran: \(String(describing: push))")
            }
            checks += 1
            try await Task.sleep(for: .milliseconds(100))
        }
        queries.cancel()
        let (answered, problems) = await queries.value
        #expect(answered >= 1, "the query answered within the window")
        #expect(problems.isEmpty, "\(problems)")
        // The scrapes went on meanwhile.
        let scraped = try await server.get("/api/v1/query?query=count_over_time(up%7Bjob%3D%22loop%22%7D%5B10s%5D)")
        #expect(scraped.status == 200 && scraped.body.contains(#""job":"loop""#), "\(scraped.body)")

        #expect(try await server.terminate(within: .seconds(5)), "SIGTERM stopped the server within 5 s; log: \(server.log)")
        #expect((server.terminationStatus ?? 0) == 0)
    }
}
