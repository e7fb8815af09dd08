import Foundation
import OspreyModel
import OspreyTestSupport
import Testing

/// `osprey push`, the binary as a cron job would run it, against a real server.
@Suite struct PushCommandTests {
    @Test func pushesArgumentsAndStandardInput() async throws {
        try await TestServer.with { server in
            let argued = try await OspreyBinary.run([
                "push", "--server", server.baseURL, "cli_orders_total{shop=\"eu\"} 42", "cli_orders_total{shop=\"us\"} 7",
            ])
            #expect(argued.status == 0, "\(argued.stderr)")
            #expect(argued.stdout == "pushed 2 samples to \(server.baseURL)/api/v1/import/prometheus\n", "\(argued.stdout)")
            let orders = try await server.select([.equal("__name__", "cli_orders_total")])
            #expect(Set(orders.compactMap { $0.labels["shop"] }) == ["eu", "us"])
            #expect(orders.first { $0.labels["shop"] == "eu" }?.samples.map(\.value) == [42])

            let piped = try await OspreyBinary.run(
                ["push", "--server", server.baseURL, "--job", "backup", "--label", "path=/var/db", "--label", "host=db1"],
                input: "# TYPE backup_bytes gauge\nbackup_bytes 1234\n")
            #expect(piped.status == 0, "\(piped.stderr)")
            #expect(piped.stdout == "pushed 1 sample to \(server.baseURL)/metrics/job/backup/path@base64/L3Zhci9kYg==/host/db1\n", "\(piped.stdout)")
            let backup = try #require(try await server.select([.equal("__name__", "backup_bytes")]).first)
            #expect(backup.labels == Labels(["__name__": "backup_bytes", "job": "backup", "path": "/var/db", "host": "db1"]))
        }
    }

    @Test func checksTheTextAndReportsRefusals() async throws {
        try await TestServer.with(config: "auth:\n  tokens:\n    - {name: cron, token: cron-token-0123456789, role: ingest}\n") { server in
            let bad = try await OspreyBinary.run(["push", "--server", server.baseURL, "ok_metric 1", "broken{ 2"])
            #expect(bad.status == 1)
            #expect(bad.stderr.contains("arguments: line 2: "), "\(bad.stderr)")

            let refused = try await OspreyBinary.run(["push", "--server", server.baseURL, "ok_metric 1"])
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("answered 401"))
            #expect(refused.stderr.contains("give a token with the ingest role: --token TOKEN or OSPREY_TOKEN=TOKEN"), "\(refused.stderr)")
            #expect(refused.stdout.isEmpty, "nothing is said pushed: \(refused.stdout)")

            let allowed = try await OspreyBinary.run(["push", "--server", server.baseURL, "--token", "cron-token-0123456789", "ok_metric 1"])
            #expect(allowed.status == 0, "\(allowed.stderr)")
        }
    }

    @Test func aServerNobodyRunsIsConnectionRefusedNamingTheAddress() async throws {
        let port = try PeerProcess.freePort()
        let result = try await OspreyBinary.run(["push", "--server", "http://127.0.0.1:\(port)", "nobody_home 1"])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(
            result.stderr.hasPrefix("osprey push: cannot reach http://127.0.0.1:\(port): connection refused: 127.0.0.1:\(port)"), "\(result.stderr)")
        #expect(!result.stderr.contains("error set"), "\(result.stderr)")
    }
}
