import Foundation
import OspreyTestSupport
import Testing

/// What a new user meets at the command line: help that promises what exists, checks that cover
/// the agent's config and report every error, one clear line when the port is taken, and an agent
/// that keeps its buffer in a folder of its own.
@Suite struct NewUserCommandTests {
    private static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func helpPromisesNoLogsOrTracesYet() async throws {
        let help = try await OspreyBinary.run(["--help"])
        #expect(help.status == 0)
        // The overview paragraph, however the terminal width wrapped it.
        let overview = try #require(help.stdout.components(separatedBy: "\n\n").first { $0.hasPrefix("OVERVIEW:") })
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(overview.contains("Metrics"))
        for feature in ["logs", "traces"] where overview.contains(feature) {
            #expect(overview.contains("not there yet"), "help promises \(feature): \(overview)")
        }
    }

    @Test func checkConfigChecksTheAgentsConfigToo() async throws {
        let example = Self.repository.appendingPathComponent("Config/agent.yml").path
        let good = try await OspreyBinary.run(["check", "config", example])
        #expect(good.status == 0, "\(good.stdout)")
        #expect(good.stdout == "\(example): ok (agent config)\n")

        let folder = try TemporaryFolder()
        let bad = folder.path + "/agent.yml"
        try "server: ftp://central\ninterval: 0s\nbuffer:\n  max_bytes: lots\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let refused = try await OspreyBinary.run(["check", "config", bad])
        #expect(refused.status == 1)
        let lines = refused.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("\(bad):1: server: \"ftp://central\" is not an http or https URL"), "\(lines)")
        #expect(lines.contains("\(bad):2: interval must be greater than 0s"), "\(lines)")
        #expect(lines.contains { $0.hasPrefix("\(bad):4: buffer.max_bytes: ") }, "\(lines)")
        #expect(!refused.stdout.contains("unknown key"), "read as the agent's config: \(refused.stdout)")

        // --agent for a file that has none of the agent's own keys.
        let scrapesOnly = folder.path + "/scrapes.yml"
        try "scrape_configs: []\n".write(toFile: scrapesOnly, atomically: true, encoding: .utf8)
        let forced = try await OspreyBinary.run(["check", "config", "--agent", scrapesOnly])
        #expect(forced.stdout == "\(scrapesOnly): ok (agent config)\n", "\(forced.stdout)")
    }

    @Test func checkRulesReportsEveryBadRuleWithItsLine() async throws {
        let folder = try TemporaryFolder()
        let file = folder.path + "/rules.yml"
        try """
        groups:
          - name: first
            rules:
              - record: "bad name"
                expr: up
              - record: job:up:sum
                expr: sum(up
              - alert: Fine
                expr: up == 0
          - name: second
            rules:
              - alert: NoExpr
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let result = try await OspreyBinary.run(["check", "rules", file])
        #expect(result.status == 1)
        let errors = result.stdout.split(separator: "\n").map(String.init).filter { $0.hasPrefix(file) }
        #expect(errors.count == 3, "\(result.stdout)")
        #expect(errors.contains { $0.hasPrefix("\(file):4: groups[0].rules[0]: invalid recording rule name: bad name") }, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("\(file):7: groups[0].rules[1].expr: could not parse expression") }, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("\(file):12: groups[1].rules[0]: field 'expr' must be set in rule") }, "\(errors)")
    }

    @Test func aTakenPortIsOneLineNamingTheAddress() async throws {
        try await TestServer.with { server in
            let taken = try #require(URL(string: server.baseURL)?.port)
            let folder = try TemporaryFolder()
            let result = try await OspreyBinary.run(["server", "--listen", "127.0.0.1:\(taken)", "--data", folder.path + "/data"])
            #expect(result.status == 1)
            #expect(result.stdout.isEmpty, "it never says it listens: \(result.stdout)")
            let errors = result.stderr.split(separator: "\n").filter { $0.contains("level=error") }
            #expect(errors.count == 1, "\(result.stderr)")
            #expect(errors.first?.contains("cannot start: cannot listen on 127.0.0.1:\(taken): address already in use") == true, "\(result.stderr)")
            #expect(!result.stderr.contains("CancellationError"), "\(result.stderr)")
            #expect(!result.stderr.contains("bind(descriptor"), "\(result.stderr)")
        }
    }

    @Test func theAgentKeepsItsBufferInAFolderOfItsOwn() async throws {
        let workingDirectory = try TemporaryFolder()
        let port = try PeerProcess.freePort()
        let nobody = try PeerProcess.freePort()
        let agent = try PeerProcess.start(
            try OspreyBinary.path, ["agent", "--server", "http://127.0.0.1:\(nobody)", "--listen", "127.0.0.1:\(port)"],
            workingDirectory: workingDirectory.path)
        defer { Task { try? await agent.stop() } }
        try await eventually(timeout: .seconds(60)) { agent.output.text.contains("osprey agent listening on") }
        let contents = try FileManager.default.contentsOfDirectory(atPath: workingDirectory.path)
        #expect(contents == ["data-agent"], "only the agent's folder in the working directory: \(contents)")
        #expect(FileManager.default.fileExists(atPath: workingDirectory.path + "/data-agent/buffer.sqlite"))
    }
}
