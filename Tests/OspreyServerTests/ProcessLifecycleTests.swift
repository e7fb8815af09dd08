import Foundation
import OspreySQLite
import OspreyTestSupport
import Testing

/// The `osprey` binary as users run it: its exit codes, its output, its signals.
@Suite struct ProcessLifecycleTests {
    @Test func sigtermStopsEveryServiceAndExitsZero() async throws {
        let server = try ServerProcess()
        try await server.start()
        #expect(server.stdout.text.hasPrefix("osprey listening on \(server.base), data in \(server.folder.path)/data"))
        try await poll("storage to open") { server.stderr.text.contains("storage open") }

        let signalled = ContinuousClock.now
        #expect(try await server.terminate(within: .seconds(5)), "log: \(server.log)")
        #expect(ContinuousClock.now - signalled < .seconds(5))
        #expect(server.terminationReason == .exit)
        #expect(server.terminationStatus == 0)
        for service in ["http", "storage", "reload-signal"] {
            #expect(server.stderr.text.contains("msg=\"service stopped\" service=\(service)"), "log: \(server.stderr.text)")
        }
    }

    @Test func checkConfigListsEveryErrorWithItsLine() async throws {
        let folder = try TemporaryFolder()
        let bad = folder.path + "/bad.yml"
        try """
        global:
          scrape_interval: 1x
          evaluation_interval: 15s
          external_labels: [eu, west]
          colour: blue
        """.write(toFile: bad, atomically: true, encoding: .utf8)
        let result = try await OspreyBinary.run(["check", "config", bad])
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines.contains { $0.hasPrefix("\(bad):2: global.scrape_interval: bad duration \"1x\"") })
        #expect(lines.contains("\(bad):4: global.external_labels: expected a mapping of keys to values, found a list"))
        #expect(lines.contains("\(bad):5: global: unknown key \"colour\""))

        let good = folder.path + "/good.yml"
        try "global:\n  scrape_interval: 30s\n".write(toFile: good, atomically: true, encoding: .utf8)
        let ok = try await OspreyBinary.run(["check", "config", good])
        #expect(ok.status == 0)
        #expect(ok.stdout == "\(good): ok\n")
    }

    @Test func jsonLogsAreOneObjectPerLine() async throws {
        let folder = try TemporaryFolder()
        let result = try await OspreyBinary.run([
            "server", "--listen", "127.0.0.1:0", "--data", folder.path + "/data", "--config", folder.path + "/missing.yml",
            "--log-format", "json",
        ])
        #expect(result.status == 1)
        let line = try #require(result.stderr.split(separator: "\n").first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object["level"] == "error")
        #expect(object["msg"] == "cannot start: bad config")
        #expect(object["error"]?.contains("missing.yml: cannot read the file") == true)
    }

    @Test func aSecondServerCannotTakeALockedDataFolder() async throws {
        let folder = try TemporaryFolder()
        let held = try DataDirectory(path: folder.path + "/data")
        let result = try await OspreyBinary.run(["server", "--listen", "127.0.0.1:0", "--data", held.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("data folder \(held.path) is in use by another Osprey process"))
        #expect(result.stdout.isEmpty, "it never says it listens: \(result.stdout)")
    }

    @Test func versionPrintsTheVersion() async throws {
        let result = try await OspreyBinary.run(["version"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("osprey 0."))
    }

    private func poll(
        _ what: String, timeout: Duration = .seconds(30), _ condition: () -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            guard ContinuousClock.now < deadline else { throw TestFailure("timed out waiting for \(what)") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}
