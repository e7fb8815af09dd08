import Foundation
import Testing

@testable import OspreyConfig

@Suite struct ConfigFileTests {
    @Test func emptyFileGivesTheEmbeddedDefaults() throws {
        let config = try ConfigFile.parse("", file: "empty.yml")
        #expect(config == OspreyConfiguration.embeddedDefault)
        #expect(config.global.scrapeInterval == .seconds(15))
    }

    @Test func readsEveryGlobalKey() throws {
        let config = try ConfigFile.parse(
            """
            global:
              scrape_interval: 1m
              scrape_timeout: 30s
              evaluation_interval: 1h30m
              external_labels:
                region: eu-west
                replica: a
            """, file: "osprey.yml")
        #expect(config.global.scrapeInterval == .seconds(60))
        #expect(config.global.scrapeTimeout == .seconds(30))
        #expect(config.global.evaluationInterval == .seconds(5400))
        #expect(config.global.externalLabels["region"] == "eu-west")
        #expect(config.global.externalLabels["replica"] == "a")
    }

    @Test func readsStorageKeysAndRefusesABadFsyncPolicy() throws {
        let config = try ConfigFile.parse(
            "storage:\n  retention: 30d\n  shard_window: 2h\n  max_series: 5000\n  wal_fsync: always\n", file: "osprey.yml")
        #expect(config.storage.retention == .seconds(30 * 86_400))
        #expect(config.storage.shardWindow == .seconds(7200))
        #expect(config.storage.maxSeries == 5000)
        #expect(config.storage.walFsync == .always)

        let errors = try #require(throws: ConfigErrors.self) {
            try ConfigFile.parse("storage:\n  wal_fsync: sometimes\n  max_series: many\n", file: "osprey.yml")
        }
        #expect(
            errors.errors.map(\.description).sorted() == [
                "osprey.yml:2: storage.wal_fsync: wal_fsync must be \"always\" or \"1s\", not \"sometimes\"",
                "osprey.yml:3: storage.max_series: expected an integer, found \"many\"",
            ])
    }

    @Test func readsQueryKeysAndRefusesBadLimits() throws {
        let config = try ConfigFile.parse(
            "query:\n  max_concurrent: 4\n  timeout: 30s\n  max_samples: 1000\n  lookback_delta: 1m\n", file: "osprey.yml")
        #expect(config.query == QueryConfiguration(maxConcurrent: 4, timeout: .seconds(30), maxSamples: 1000, lookbackDelta: .seconds(60)))
        #expect(OspreyConfiguration.embeddedDefault.query.timeout == .seconds(120))
        #expect(OspreyConfiguration.embeddedDefault.query.lookbackDelta == .seconds(300))
        #expect(OspreyConfiguration.embeddedDefault.query.maxSamples == 50_000_000)
        #expect(config.yaml.contains("timeout: 30s"))
        #expect(config.yaml.contains("lookback_delta: 1m"))

        let errors = try #require(throws: ConfigErrors.self) {
            try ConfigFile.parse("query:\n  timeout: 0s\n  max_samples: 0\n  lookback_delta: soon\n", file: "osprey.yml")
        }
        let messages = errors.errors.map(\.description).joined(separator: "\n")
        #expect(messages.contains("osprey.yml:4: query.lookback_delta: "), "\(messages)")
        #expect(messages.contains("bad duration \"soon\""), "\(messages)")

        let limits = try #require(throws: ConfigErrors.self) {
            try ConfigFile.parse("query:\n  timeout: 0s\n  max_samples: 0\n", file: "osprey.yml")
        }
        let limitMessages = limits.errors.map(\.description).joined(separator: "\n")
        #expect(limitMessages.contains("max_samples must be at least 1"), "\(limitMessages)")
        #expect(limitMessages.contains("timeout must be at least 1ms"), "\(limitMessages)")
    }

    @Test func scrapeTimeoutFollowsAShortInterval() throws {
        let config = try ConfigFile.parse("global:\n  scrape_interval: 5s\n", file: "osprey.yml")
        #expect(config.global.scrapeTimeout == .seconds(5))
    }

    @Test func reportsUnknownKeyBadDurationAndWrongTypeTogetherWithLines() throws {
        let text = """
            global:
              scrape_interval: 15x
              evaluation_interval: [1m]
              scrap_timeout: 10s
            """
        let errors = try #require(throws: ConfigErrors.self) { try ConfigFile.parse(text, file: "bad.yml") }
        let byKey = Dictionary(uniqueKeysWithValues: errors.errors.map { ($0.key, $0) })
        #expect(errors.errors.count == 3)
        #expect(byKey["global.scrape_interval"]?.line == 2)
        #expect(byKey["global.scrape_interval"]?.message.contains("bad duration \"15x\"") == true)
        #expect(byKey["global.evaluation_interval"]?.line == 3)
        #expect(byKey["global.evaluation_interval"]?.message.contains("found a list") == true)
        #expect(byKey["global"]?.line == 4)
        #expect(byKey["global"]?.message == "unknown key \"scrap_timeout\"")
        #expect(errors.description.contains("bad.yml:4: global: unknown key \"scrap_timeout\""))
    }

    @Test func unknownTopLevelKeyAndWrongTypeForASection() throws {
        let errors = try #require(throws: ConfigErrors.self) {
            try ConfigFile.parse("global: 15s\nscrape_configz: []\n", file: "osprey.yml")
        }
        #expect(
            errors.errors.map(\.description).sorted() == [
                "osprey.yml:1: global: expected a mapping of keys to values, found \"15s\"",
                "osprey.yml:2: unknown key \"scrape_configz\"",
            ])
    }

    @Test func rejectsInconsistentValues() throws {
        let errors = try #require(throws: ConfigErrors.self) {
            try ConfigFile.parse(
                "global:\n  scrape_interval: 10s\n  scrape_timeout: 20s\n  external_labels:\n    __x: y\n",
                file: "osprey.yml")
        }
        #expect(
            errors.errors.map(\.description) == [
                "osprey.yml:3: global: scrape_timeout (20s) is greater than scrape_interval (10s)",
                "osprey.yml:4: global: external_labels: \"__x\" is not a valid label name",
            ])
    }

    @Test func yamlSyntaxErrorsAndDuplicateKeysNameTheLine() throws {
        let syntax = try #require(throws: ConfigErrors.self) {
            try ConfigFile.parse("global:\n  scrape_interval: 15s\n bad: [\n", file: "osprey.yml")
        }
        #expect(syntax.errors.first?.line != nil)
        #expect(syntax.errors.first?.message.hasPrefix("invalid YAML") == true)

        let duplicate = try #require(throws: ConfigErrors.self) {
            try ConfigFile.parse("global:\n  scrape_interval: 15s\n  scrape_interval: 30s\n", file: "osprey.yml")
        }
        #expect(duplicate.errors.first?.message.contains("scrape_interval") == true)
    }

    @Test func exampleConfigInTheRepositoryIsValidAndMatchesTheDefaults() throws {
        let path = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Config/osprey.yml").path
        let config = try ConfigFile.load(path: path)
        #expect(config == OspreyConfiguration.embeddedDefault)
    }

    /// The commented agent config shipped in the repository reads, and holds the agent's defaults
    /// apart from the server it names.
    @Test func exampleAgentConfigInTheRepositoryIsValidAndHoldsTheDefaults() throws {
        let path = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Config/agent.yml").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var config = try StrictYAMLDecoder().decode(AgentConfiguration.self, from: text, file: path)
        #expect(config.servers == ["http://127.0.0.1:9300"])
        config.servers = []
        config.collectors = [:]
        #expect(config == AgentConfiguration())
    }

    @Test func missingFileIsAnError() throws {
        let errors = try #require(throws: ConfigErrors.self) { try ConfigFile.load(path: "/nonexistent/osprey.yml") }
        #expect(errors.description.hasPrefix("/nonexistent/osprey.yml: cannot read the file"))
    }
}
