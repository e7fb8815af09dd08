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
        let folder = try TemporaryFolder()
        let port = try PeerProcess.freePort()
        let base = "http://127.0.0.1:\(port)"
        let config = folder.path + "/osprey.yml"
        try """
            scrape_configs:
              - job_name: loop
                scrape_interval: 1s
                static_configs: [{targets: ["127.0.0.1:\(port)"]}]
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try OspreyBinary.path)
        process.arguments = ["server", "--listen", "127.0.0.1:\(port)", "--data", folder.path + "/data", "--config", config]
        let output = OutputCollector()
        let pipe = Pipe()
        output.attach(pipe)
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        try await eventually(timeout: .seconds(60)) { (try? await OspreyProcesses.get(base + "/-/ready").status) == 200 }

        // 4,000 `a`s and a `b`: `(a+)+$` fails on it only after trying every way to split the `a`s.
        let long = String(repeating: "a", count: 4000) + "b"
        let pushed = try await Self.push(base, "longlabel{v=\"\(long)\"} 1\nlonglabel{v=\"aaaa\"} 2\n")
        #expect(pushed.status == 204, "\(pushed.body)")

        // Queries back to back for the whole window, so every health check and push below meets one running.
        let queries = Task { () -> (answered: Int, problems: [String]) in
            var answered = 0
            var problems: [String] = []
            let query = Self.pathological.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            while !Task.isCancelled {
                guard let reply = try? await Self.send(HTTPClientRequest(url: base + "/api/v1/query?query=\(query)"), timeout: .seconds(120))
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
            let health = try? await Self.send(HTTPClientRequest(url: base + "/-/healthy"), timeout: .seconds(10))
            let took = ContinuousClock.now - asked
            #expect(health?.status == 200 && took < .seconds(1), "/-/healthy took \(took) while the query ran")
            if checks % 4 == 0 {
                let push = try? await Self.push(base, "during_query{check=\"\(checks)\"} \(checks)\n")
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
        let scraped = try await OspreyProcesses.get(base + "/api/v1/query?query=count_over_time(up%7Bjob%3D%22loop%22%7D%5B10s%5D)")
        #expect(scraped.status == 200 && scraped.body.contains(#""job":"loop""#), "\(scraped.body)")

        let signalled = ContinuousClock.now
        kill(process.processIdentifier, SIGTERM)
        let deadline = signalled + .seconds(5)
        while process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!process.isRunning, "SIGTERM stopped the server within 5 s; log: \(output.text.suffix(2000))")
        #expect(process.isRunning || process.terminationStatus == 0)
    }

    private static func push(_ base: String, _ text: String) async throws -> (status: Int, body: String) {
        var request = HTTPClientRequest(url: base + "/api/v1/import/prometheus")
        request.method = .POST
        request.body = .bytes(ByteBuffer(string: text))
        return try await send(request, timeout: .seconds(10))
    }

    private static func send(_ request: HTTPClientRequest, timeout: TimeAmount) async throws -> (status: Int, body: String) {
        let response = try await HTTPClient.shared.execute(request, timeout: timeout)
        let body = try await response.body.collect(upTo: 16 << 20)
        return (Int(response.status.code), String(buffer: body))
    }
}
