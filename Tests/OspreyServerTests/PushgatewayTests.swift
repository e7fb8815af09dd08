import Foundation
import NIOHTTP1
import OspreyModel
import OspreyStorage
import OspreyTestSupport
import Testing

/// The pushgateway URL scheme, driven by the real Python client.
@Suite struct PushgatewayTests {
    static var pythonClientAvailable: Bool {
        (try? Command.runBlocking("/usr/bin/env", ["python3", "-c", "import prometheus_client"])) != nil
    }

    /// Runs Python with prometheus_client against the server; `gateway` is its host:port.
    private func python(_ script: String, gateway: String) async throws {
        try await Command.run("/usr/bin/env", ["python3", "-c", "GATEWAY = '\(gateway)'\n" + script])
    }

    @Test(.enabled(if: pythonClientAvailable || ProcessInfo.processInfo.environment["CI"] != nil))
    func pushReplacesPushAddMergesDeleteEnds() async throws {
        try await TestServer.with { server in
            let gateway = String(server.baseURL.dropFirst("http://".count))
            let registry = """
                from prometheus_client import CollectorRegistry, Gauge, Counter, push_to_gateway, pushadd_to_gateway, delete_from_gateway
                def registry(*names):
                    r = CollectorRegistry()
                    for name in names:
                        Gauge(name, 'A job result.', registry=r).set(len(name))
                    return r

                """
            try await python(
                registry + "push_to_gateway(GATEWAY, job='nightly', registry=registry('job_a', 'job_b'), grouping_key={'path': '/var/x'})",
                gateway: gateway)
            let group: [LabelMatcher] = [.equal("job", "nightly"), .equal("path", "/var/x")]
            let first = try await server.select(group)
            #expect(Set(first.compactMap(\.labels.name)) == ["job_a", "job_b"])
            #expect(first.first { $0.labels.name == "job_a" }?.samples.last?.value == 5)

            // PUT again with only job_a: job_b ends with a staleness marker.
            try await python(
                registry + "push_to_gateway(GATEWAY, job='nightly', registry=registry('job_a'), grouping_key={'path': '/var/x'})", gateway: gateway)
            let replaced = try await server.select(group)
            #expect(replaced.first { $0.labels.name == "job_b" }?.samples.last?.value.isStaleMarker == true)
            #expect(replaced.first { $0.labels.name == "job_a" }?.samples.last?.value.isStaleMarker == false)

            // POST merges: job_c joins, job_a stays live.
            try await python(
                registry + "pushadd_to_gateway(GATEWAY, job='nightly', registry=registry('job_c'), grouping_key={'path': '/var/x'})", gateway: gateway
            )
            let merged = try await server.select(group)
            #expect(merged.first { $0.labels.name == "job_c" }?.samples.last?.value == 5)
            #expect(merged.first { $0.labels.name == "job_a" }?.samples.last?.value.isStaleMarker == false)

            // DELETE ends every series of the group.
            try await python(registry + "delete_from_gateway(GATEWAY, job='nightly', grouping_key={'path': '/var/x'})", gateway: gateway)
            let deleted = try await server.select(group)
            #expect(deleted.count == 3)
            #expect(deleted.allSatisfy { $0.samples.last?.value.isStaleMarker == true })
        }
    }

    /// A group nested in another (one more grouping label) is a group of its own, as in the
    /// pushgateway: replacing or deleting the outer group leaves it alone, also after a restart.
    @Test func nestedGroupsAreKeptApart() async throws {
        let folder = try TemporaryFolder()
        let backup: [LabelMatcher] = [.equal("job", "backup")]
        @Sendable func isLive(_ series: [StoredSeries], _ labels: Labels) -> Bool {
            series.first { $0.labels == labels }?.samples.last?.value.isStaleMarker == false
        }
        let outerOK = Labels(["__name__": "backup_ok", "job": "backup"])
        let outerFiles = Labels(["__name__": "backup_files", "job": "backup"])
        let innerOK = Labels(["__name__": "backup_ok", "job": "backup", "instance": "db1"])
        try await TestServer.with(folder: folder) { server in
            #expect(try await server.send("/metrics/job/backup", method: .PUT, body: "backup_ok 1\nbackup_files 10\n").status == 204)
            #expect(try await server.send("/metrics/job/backup/instance/db1", method: .PUT, body: "backup_ok 1\n").status == 204)

            #expect(try await server.send("/metrics/job/backup", method: .PUT, body: "backup_ok 1\n").status == 204)
            var series = try await server.select(backup)
            #expect(!isLive(series, outerFiles), "not pushed again: ended")
            #expect(isLive(series, outerOK))
            #expect(isLive(series, innerOK), "the nested group is not the outer group's")

            #expect(try await server.send("/metrics/job/backup", method: .DELETE).status == 204)
            series = try await server.select(backup)
            #expect(!isLive(series, outerOK))
            #expect(isLive(series, innerOK), "deleting the outer group leaves the nested one")
        }
        try await TestServer.with(folder: folder) { server in
            #expect(try await server.send("/metrics/job/backup/instance/db1", method: .DELETE).status == 204)
            let series = try await server.select(backup)
            #expect(!isLive(series, innerOK), "the group's record outlives a restart")
        }
    }

    /// PUTs to one group at once are taken one after another, as the pushgateway takes them:
    /// whatever their order, only the last one's series is left live.
    @Test func concurrentPutsToOneGroupLeaveOnlyTheLastOnesSeries() async throws {
        try await TestServer.with { server in
            // Bodies large enough that the pushes overlap while they are read.
            try await withThrowingTaskGroup(of: Int.self) { tasks in
                for run in 0..<8 {
                    let body = (0..<5_000).map { "race_metric{run=\"\(run)\",n=\"\($0)\"} 1\n" }.joined()
                    tasks.addTask { try await server.send("/metrics/job/race", method: .PUT, body: body).status }
                }
                for try await status in tasks { #expect(status == 204) }
            }
            let series = try await server.select([.equal("job", "race")])
            #expect(series.count == 8 * 5_000)
            let liveRuns = Set(series.filter { $0.samples.last?.value.isStaleMarker == false }.compactMap { $0.labels["run"] })
            #expect(liveRuns.count == 1, "\(liveRuns)")
        }
    }

    @Test func groupingLabelsComeFromThePathIncludingBase64() async throws {
        try await TestServer.with { server in
            // "/var/x" in URL-safe base64, as clients send values with a slash.
            let reply = try await server.send("/metrics/job/backup/path@base64/L3Zhci94/instance/db1", method: .PUT, body: "backup_bytes 123\n")
            #expect(reply.status == 204, "\(reply.body)")
            let series = try #require(try await server.select([.equal("__name__", "backup_bytes")]).first)
            #expect(series.labels == Labels(["__name__": "backup_bytes", "job": "backup", "path": "/var/x", "instance": "db1"]))

            let stamped = try await server.send("/metrics/job/backup", method: .POST, body: "backup_bytes 1 1700000000000\n")
            #expect(stamped.status == 400)
            #expect(stamped.body.contains("must not have timestamps"))
            let badPath = try await server.send("/metrics/instance/x", method: .POST, body: "backup_bytes 1\n")
            #expect(badPath.status == 400)
        }
    }

    /// A grouping label may not set a reserved label (here the series' name) or carry an escape
    /// that does not decode: both are refused with 400, as the pushgateway refuses them, and
    /// nothing of the push is stored.
    @Test func reservedLabelNamesAndBadEscapesInThePathAre400() async throws {
        try await TestServer.with { server in
            for method in [HTTPMethod.PUT, .POST, .DELETE] {
                let renamed = try await server.send("/metrics/job/node/__name__/up", method: method, body: "node_ok 1\n")
                #expect(renamed.status == 400, "\(method)")
                #expect(renamed.body.contains("improper label name \\\"__name__\\\""), "\(renamed.body)")
                // curl sends the path as written; an HTTP client library would escape the `%` itself.
                let escaped = try await Program.run(
                    "/usr/bin/env",
                    [
                        "curl", "-s", "-X", method.rawValue, "-w", "\n%{http_code}", "--data-binary", "node_ok 1",
                        server.baseURL + "/metrics/job/node/instance/%ZZ",
                    ])
                #expect(escaped.stdoutText.hasSuffix("\n400"), "\(method): \(escaped.stdoutText)")
                #expect(escaped.stdoutText.contains("invalid percent-escape \\\"%ZZ\\\""), "\(escaped.stdoutText)")
            }
            #expect(try await server.select([.equal("job", "node")]).isEmpty)
            #expect(try await server.select([.equal("__name__", "up")]).isEmpty)
            #expect(try await server.send("/metrics/job/node/instance/a%20b", method: .PUT, body: "node_ok 1\n").status == 204)
            let stored = try await server.select([.equal("job", "node")])
            #expect(stored.map(\.labels) == [Labels(["__name__": "node_ok", "job": "node", "instance": "a b"])])
        }
    }
}
