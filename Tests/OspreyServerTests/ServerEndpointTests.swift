import Foundation
import OspreyFormats
import OspreyModel
import OspreyTestSupport
import Testing

@Suite struct ServerEndpointTests {
    @Test func healthyAndReadyAnswerOnceStorageIsOpen() async throws {
        try await TestServer.with { server in
            let healthy = try await server.get("/-/healthy")
            #expect(healthy.status == 200)
            #expect(healthy.body == "Osprey is Healthy.\n")
            try await server.eventually { try await server.get("/-/ready").status == 200 }
            #expect(FileManager.default.fileExists(atPath: server.dataPath + "/lock"))
        }
    }

    @Test func buildinfoIsShapedLikePrometheus() async throws {
        try await TestServer.with { server in
            let reply = try await server.get("/api/v1/status/buildinfo")
            #expect(reply.status == 200)
            #expect(reply.contentType?.hasPrefix("application/json") == true)
            let json = try #require(JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any])
            #expect(json["status"] as? String == "success")
            let data = try #require(json["data"] as? [String: String])
            #expect(Set(data.keys) == ["version", "revision", "branch", "buildUser", "buildDate", "goVersion"])
            #expect(data["version"]?.isEmpty == false)
        }
    }

    @Test func ownMetricsAreValidTextFormatAndCountRequests() async throws {
        try await TestServer.with { server in
            try await server.eventually { try await server.get("/-/ready").status == 200 }
            for _ in 0..<3 { _ = try await server.get("/-/healthy") }
            _ = try await server.get("/no/such/page")
            let reply = try await server.get("/metrics")
            #expect(reply.status == 200)
            #expect(reply.contentType == "text/plain; version=0.0.4; charset=utf-8")

            let families = try ExpositionParser.families(from: Array(reply.body.utf8), format: .text)
            let byName = Dictionary(uniqueKeysWithValues: families.map { ($0.name, $0) })
            let requests = try #require(byName["osprey_http_requests_total"])
            #expect(requests.type == .counter)
            #expect(requests.help?.isEmpty == false)
            let healthy = requests.samples.first {
                $0.labels["handler"] == "/-/healthy" && $0.labels["code"] == "200" && $0.labels["method"] == "GET"
            }
            #expect(healthy?.value == 3)
            #expect(
                requests.samples.contains { $0.labels["code"] == "404" && $0.labels["handler"] != "/-/healthy" },
                "\(requests.samples)")
            #expect(byName["osprey_http_request_duration_seconds"]?.type == .histogram)
            #expect(byName["osprey_build_info"]?.samples.first?.value == 1)
            #expect(byName["osprey_config_last_reload_successful"]?.samples.first?.value == 1)
            #expect(byName["process_start_time_seconds"] != nil)
            for family in ["osprey_storage_series", "osprey_storage_head_samples", "osprey_storage_wal_bytes"] {
                #expect(byName[family]?.type == .gauge, "\(family)")
            }
            for family in ["osprey_storage_samples_appended_total", "osprey_storage_chunks_flushed_total", "osprey_storage_samples_replaced_total"] {
                #expect(byName[family]?.type == .counter, "\(family)")
            }
            let reasons = Set(byName["osprey_storage_samples_rejected_total"]?.samples.compactMap { $0.labels["reason"] } ?? [])
            #expect(reasons == ["series_limit", "out_of_retention", "invalid_labels", "too_far_in_future"])
            try await server.eventually {
                let text = try await server.get("/metrics").body
                let families = try ExpositionParser.families(from: Array(text.utf8), format: .text)
                return (families.first { $0.name == "osprey_storage_data_bytes" }?.samples.first?.value ?? 0) > 0
            }
        }
    }

    @Test(.enabled(if: Promtool.path != nil || ProcessInfo.processInfo.environment["CI"] != nil))
    func promtoolAcceptsOwnMetrics() async throws {
        let text = try await TestServer.with { server in
            try await server.eventually { try await server.get("/-/ready").status == 200 }
            _ = try await server.get("/-/healthy")
            _ = try await server.get("/api/v1/status/buildinfo")
            return try await server.get("/metrics").body
        }
        let promtool = try #require(Promtool.path, "promtool is missing: .ci/run installs Debian's prometheus package")
        let result = try await Promtool.checkMetrics(text, promtool: promtool)
        #expect(result.status == 0, "promtool check metrics said: \(result.output)")
    }

    @Test func configStatusShowsTheConfigInForce() async throws {
        try await TestServer.with(config: "global:\n  scrape_interval: 1m\n") { server in
            let reply = try await server.get("/api/v1/status/config")
            #expect(reply.status == 200)
            let json = try #require(JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any])
            let yaml = try #require((json["data"] as? [String: String])?["yaml"])
            #expect(yaml.contains("scrape_interval: 1m"))
            #expect(yaml.contains("evaluation_interval: 15s"))
        }
    }
}

enum Promtool {
    static var path: String? {
        ["/usr/bin/promtool", "/usr/local/bin/promtool"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func checkMetrics(_ text: String, promtool: String) async throws -> (status: Int32, output: String) {
        let result = try await Program.run(promtool, ["check", "metrics"], input: Data(text.utf8))
        return (result.status, result.stdoutText + result.stderrText)
    }
}
