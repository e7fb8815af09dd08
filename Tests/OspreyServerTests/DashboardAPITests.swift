import Foundation
import OspreyTestSupport
import Testing

/// Grafana's dashboard API as scripts written for Grafana call it: provisioned dashboards are
/// listed and read-only, saved ones get versions, a stale save is refused unless it overwrites,
/// and saved dashboards outlive a restart.
@Suite struct DashboardAPITests {
    private func json(_ body: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(body.utf8))
    }

    private func save(_ server: TestServer, _ dashboard: [String: Any], overwrite: Bool = false) async throws -> TestServer.Reply {
        let body = try JSONSerialization.data(withJSONObject: ["dashboard": dashboard, "overwrite": overwrite])
        return try await server.send("/api/dashboards/db", method: .POST, bytes: Array(body), headers: [("Content-Type", "application/json")])
    }

    @Test func provisionedAndSavedDashboardsAsGrafanasAPIHasThem() async throws {
        let folder = try TemporaryFolder()
        let provisioned = try TemporaryFolder()
        try #"{"uid": "hosts", "title": "Hosts", "tags": ["infra"], "panels": []}"#
            .write(toFile: provisioned.path + "/hosts.json", atomically: true, encoding: .utf8)
        try "not json".write(toFile: provisioned.path + "/broken.json", atomically: true, encoding: .utf8)
        let config = "dashboards:\n  built_in: false\n  path: \(provisioned.path)\n"

        try await TestServer.with(config: config, folder: folder) { server in
            try await server.eventually { try await server.get("/api/search").status == 200 }
            let listed = try #require(try json(try await server.get("/api/search").body) as? [[String: Any]])
            #expect(listed.map { $0["uid"] as? String } == ["hosts"], "the broken file is skipped, the good one listed")
            #expect(listed.first?["provisioned"] as? Bool == true)

            let refused = try await save(server, ["uid": "hosts", "title": "Mine now"], overwrite: true)
            #expect(refused.status == 400 && refused.body.contains("Cannot save provisioned dashboard"))
            let untitled = try await save(server, ["panels": []])
            #expect(untitled.status == 400 && untitled.body.contains("title cannot be empty"))

            let created = try await save(server, ["title": "Checkout", "tags": ["app"], "panels": [["id": 1, "type": "text"]]])
            #expect(created.status == 200, "\(created.body)")
            let answer = try #require(try json(created.body) as? [String: Any])
            let uid = try #require(answer["uid"] as? String)
            #expect(answer["status"] as? String == "success" && answer["version"] as? Int == 1)
            #expect(answer["url"] as? String == "/dashboards/\(uid)")

            let read = try #require(try json(try await server.get("/api/dashboards/uid/\(uid)").body) as? [String: Any])
            let dashboard = try #require(read["dashboard"] as? [String: Any])
            #expect(dashboard["title"] as? String == "Checkout" && (dashboard["panels"] as? [Any])?.count == 1)
            #expect((read["meta"] as? [String: Any])?["provisioned"] as? Bool == false)

            // A save from version 1 updates; another from version 1 is stale.
            #expect(try await save(server, ["uid": uid, "title": "Checkout v2", "version": 1]).status == 200)
            let stale = try await save(server, ["uid": uid, "title": "Checkout v2b", "version": 1])
            #expect(stale.status == 412, "\(stale.body)")
            let forced = try await save(server, ["uid": uid, "title": "Checkout v3", "tags": ["app"], "version": 1], overwrite: true)
            #expect((try json(forced.body) as? [String: Any])?["version"] as? Int == 3)

            let byTag = try #require(try json(try await server.get("/api/search?tag=app").body) as? [[String: Any]])
            #expect(byTag.map { $0["title"] as? String } == ["Checkout v3"])
            let byWord = try #require(try json(try await server.get("/api/search?query=host").body) as? [[String: Any]])
            #expect(byWord.map { $0["uid"] as? String } == ["hosts"])
            #expect(try await server.get("/api/dashboards/uid/nope").status == 404)
            #expect(try await server.send("/api/dashboards/uid/hosts", method: .DELETE).status == 400)
        }
        // Saved dashboards live in the data folder: a restarted server still has them.
        try await TestServer.with(config: config, folder: folder) { server in
            try await server.eventually { try await server.get("/api/search").status == 200 }
            let listed = try #require(try json(try await server.get("/api/search").body) as? [[String: Any]])
            #expect(Set(listed.compactMap { $0["title"] as? String }) == ["Hosts", "Checkout v3"])
            let uid = try #require(listed.first { $0["title"] as? String == "Checkout v3" }?["uid"] as? String)
            #expect(try await server.send("/api/dashboards/uid/\(uid)", method: .DELETE).status == 200)
            #expect(try await server.get("/api/dashboards/uid/\(uid)").status == 404)
        }
    }

    @Test func theUIIsServedFromTheBinary() async throws {
        try await TestServer.with { server in
            // `/` redirects (which the client follows) to the dashboard list.
            let root = try await server.get("/")
            #expect(root.status == 200 && root.body.contains("/assets/app.js"))
            for path in ["/dashboards", "/dashboards/any-uid", "/explore", "/alerts", "/targets", "/probes"] {
                let page = try await server.get(path)
                #expect(page.status == 200 && page.contentType?.hasPrefix("text/html") == true, "\(path)")
                #expect(page.body.contains("/assets/app.js"))
            }
            let script = try await server.get("/assets/app.js")
            #expect(script.status == 200 && script.contentType?.hasPrefix("text/javascript") == true)
            #expect(try await server.get("/assets/missing.js").status == 404)
        }
    }
}
