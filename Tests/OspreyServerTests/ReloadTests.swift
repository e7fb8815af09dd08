import Foundation
import NIOHTTP1
import OspreyFormats
import Testing

@Suite struct ReloadTests {
    @Test func reloadAppliesAGoodConfigAndRefusesABadOne() async throws {
        try await TestServer.with(config: "global:\n  scrape_interval: 30s\n") { server in
            let path = try #require(server.configPath)
            try "global:\n  scrape_interval: 45s\n".write(toFile: path, atomically: true, encoding: .utf8)
            let good = try await server.post("/-/reload")
            #expect(good.status == 200)
            #expect(try await server.get("/api/v1/status/config").body.contains("scrape_interval: 45s"))

            try "global:\n  scrape_interval: soon\n".write(toFile: path, atomically: true, encoding: .utf8)
            let bad = try await server.post("/-/reload")
            #expect(bad.status == 500)
            #expect(bad.body.contains("osprey.yml:2: global.scrape_interval: bad duration \"soon\""))
            #expect(try await server.get("/api/v1/status/config").body.contains("scrape_interval: 45s"))

            let metrics = try await server.get("/metrics").body
            let families = try ExpositionParser.families(from: Array(metrics.utf8), format: .text)
            #expect(families.first { $0.name == "osprey_config_last_reload_successful" }?.samples.first?.value == 0)
        }
    }

    @Test func reloadOnlyAcceptsPostAndPut() async throws {
        try await TestServer.with { server in
            let reply = try await server.get("/-/reload")
            #expect(reply.status == 405)
            #expect(try await server.send("/-/reload", method: .PUT).status == 200)
        }
    }
}
