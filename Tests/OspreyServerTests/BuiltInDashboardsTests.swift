import Foundation
import OspreyTestSupport
import Testing

/// The built-in dashboards come with the binary: a server started in any folder lists them, a
/// configured folder adds to them, and a configured folder that is not there is said so in the log.
@Suite struct BuiltInDashboardsTests {
    /// The uid of every dashboard in the repository's built-in folder.
    private static var builtInUIDs: Set<String> {
        get throws {
            let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("Sources/OspreyServer/Dashboards/BuiltIn")
            let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }
            #expect(files.count >= 5)
            return Set(
                try files.map { name in
                    let data = try Data(contentsOf: folder.appendingPathComponent(name))
                    let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
                    return try #require(object["uid"] as? String)
                })
        }
    }

    /// Starts the binary in `folder` (as its working directory) and waits until it answers.
    private func startServer(in folder: TemporaryFolder, _ arguments: [String] = []) async throws -> (PeerProcess, String) {
        let port = try PeerProcess.freePort()
        let server = try PeerProcess.start(
            try OspreyBinary.path, ["server", "--listen", "127.0.0.1:\(port)", "--data", "data"] + arguments,
            workingDirectory: folder.path)
        let base = "http://127.0.0.1:\(port)"
        try await eventually(timeout: .seconds(60)) { (try? await OspreyProcesses.get(base + "/-/ready").status) == 200 }
        return (server, base)
    }

    /// Thrown rather than recorded: callers poll it while the dashboards are still being read.
    private func listedUIDs(_ base: String) async throws -> Set<String> {
        let reply = try await OspreyProcesses.get(base + "/api/search")
        guard let listed = try? JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [[String: Any]] else {
            throw TestFailure("/api/search answered \(reply.status): \(reply.body.prefix(200))")
        }
        return Set(listed.compactMap { $0["uid"] as? String })
    }

    @Test func aServerStartedOutsideTheCheckoutListsTheBuiltInDashboards() async throws {
        let elsewhere = try TemporaryFolder()
        let (server, base) = try await startServer(in: elsewhere)
        defer { Task { try? await server.stop() } }
        let expected = try Self.builtInUIDs
        try await eventually { (try? await listedUIDs(base)) == expected }

        let page = try await OspreyProcesses.get(base + "/api/dashboards/uid/osprey-self")
        #expect(page.status == 200)
        #expect(page.body.contains("\"provisioned\":true"), "\(page.body.prefix(300))")
        #expect(!server.output.text.contains("dashboards folder not found"), "no folder was configured: \(server.output.text)")
    }

    @Test func aConfiguredFolderAddsDashboardsRelativeToTheConfigFile() async throws {
        let elsewhere = try TemporaryFolder()
        let configFolder = try TemporaryFolder()
        try FileManager.default.createDirectory(atPath: configFolder.path + "/more", withIntermediateDirectories: true)
        try #"{"uid": "shop", "title": "Shop", "panels": []}"#
            .write(toFile: configFolder.path + "/more/shop.json", atomically: true, encoding: .utf8)
        try "dashboards:\n  path: more\n".write(toFile: configFolder.path + "/osprey.yml", atomically: true, encoding: .utf8)
        let (server, base) = try await startServer(in: elsewhere, ["--config", configFolder.path + "/osprey.yml"])
        defer { Task { try? await server.stop() } }
        let expected = try Self.builtInUIDs.union(["shop"])
        try await eventually { (try? await listedUIDs(base)) == expected }
    }

    @Test func aConfiguredFolderThatIsNotThereIsAWarning() async throws {
        let elsewhere = try TemporaryFolder()
        try "dashboards:\n  path: /nonexistent/osprey-dashboards\n".write(toFile: elsewhere.path + "/osprey.yml", atomically: true, encoding: .utf8)
        let (server, base) = try await startServer(in: elsewhere, ["--config", "osprey.yml"])
        defer { Task { try? await server.stop() } }
        try await eventually { server.output.text.contains("dashboards folder not found") }
        let line = try #require(server.output.text.split(separator: "\n").first { $0.contains("dashboards folder not found") })
        #expect(line.contains("level=warning"), "\(line)")
        #expect(line.contains("/nonexistent/osprey-dashboards"), "\(line)")
        #expect(try await listedUIDs(base) == Self.builtInUIDs, "the built-ins stay")
    }
}
