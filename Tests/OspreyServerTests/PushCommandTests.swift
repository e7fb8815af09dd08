import Foundation
import OspreyModel
import Testing

/// `osprey push`, the binary as a cron job would run it, against a real server.
@Suite struct PushCommandTests {
    @Test func pushesArgumentsAndStandardInput() async throws {
        try await TestServer.with { server in
            let argued = try await OspreyBinary.run(["push", "--server", server.baseURL, "cli_orders_total{shop=\"eu\"} 42", "cli_orders_total{shop=\"us\"} 7"])
            #expect(argued.status == 0, "\(argued.stderr)")
            let orders = try await server.select([.equal("__name__", "cli_orders_total")])
            #expect(Set(orders.compactMap { $0.labels["shop"] }) == ["eu", "us"])
            #expect(orders.first { $0.labels["shop"] == "eu" }?.samples.map(\.value) == [42])

            let piped = try await OspreyBinary.run(
                ["push", "--server", server.baseURL, "--job", "backup", "--label", "path=/var/db", "--label", "host=db1"],
                input: "# TYPE backup_bytes gauge\nbackup_bytes 1234\n")
            #expect(piped.status == 0, "\(piped.stderr)")
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

            let allowed = try await OspreyBinary.run(["push", "--server", server.baseURL, "--token", "cron-token-0123456789", "ok_metric 1"])
            #expect(allowed.status == 0, "\(allowed.stderr)")
        }
    }
}
