import Foundation
import OspreyModel
import OspreyTestSupport
import Testing

@testable import OspreyConfig

@Suite struct AgentConfigurationTests {
    static func decode(_ yaml: String) throws(ConfigErrors) -> AgentConfiguration {
        try StrictYAMLDecoder().decode(AgentConfiguration.self, from: yaml, file: "agent.yml")
    }

    /// The message of a refused config, which must name the file and line.
    static func refusal(_ yaml: String) throws -> String {
        let errors = try #require(throws: ConfigErrors.self) { try decode(yaml) }
        return errors.description
    }

    @Test func anEmptyFileGivesTheDefaults() throws {
        let config = try Self.decode("")
        #expect(config.servers.isEmpty)
        #expect(config.token == nil)
        #expect(config.interval == .seconds(15))
        #expect(config.buffer == AgentBufferConfiguration())
        #expect(config.batch == AgentBatchConfiguration())
        #expect(config.listen == AgentConfiguration.defaultListen)
        #expect(config.collects("cpu"))
    }

    @Test func serverAsAStringAndAsAList() throws {
        let one = try Self.decode("server: http://osprey:9300\n")
        #expect(one.servers == ["http://osprey:9300"])
        let two = try Self.decode("server:\n  - http://osprey-a:9300\n  - https://osprey-b/prefix\n")
        #expect(two.servers == ["http://osprey-a:9300", "https://osprey-b/prefix"])
        let flow = try Self.decode("server: [http://a:1, http://b:2]\n")
        #expect(flow.servers == ["http://a:1", "http://b:2"])
    }

    @Test func aTokenIsReadFromTokenFileAndTrimmed() throws {
        let folder = try TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let url = URL(fileURLWithPath: folder.path + "/token")
        try Data("  s3cret-token \n\n".utf8).write(to: url)
        let config = try Self.decode("server: http://osprey:9300\ntoken_file: \(url.path)\n")
        #expect(config.token == "s3cret-token")
        #expect(try Self.decode("token: inline\n").token == "inline")

        let both = try Self.refusal("token: inline\ntoken_file: \(url.path)\n")
        #expect(both.contains("agent.yml:"), "\(both)")
        #expect(both.contains("at most one of token and token_file"), "\(both)")
        let missing = try Self.refusal("server: http://osprey:9300\ntoken_file: /nonexistent/osprey-token\n")
        #expect(missing.contains("agent.yml:2: token_file: cannot read"), "\(missing)")
        #expect(missing.contains("/nonexistent/osprey-token"), "\(missing)")
    }

    @Test func aServerThatIsNotAURLIsRefusedWithItsLine() throws {
        let message = try Self.refusal("interval: 10s\nserver: osprey:9300\n")
        #expect(message == "agent.yml:2: server: \"osprey:9300\" is not an http or https URL")
        let inList = try Self.refusal("interval: 10s\nserver:\n  - http://good:9300\n  - ftp://bad\n")
        #expect(inList.contains("agent.yml:3: server:"), "\(inList)")
        #expect(inList.contains("\"ftp://bad\" is not an http or https URL"), "\(inList)")
    }

    @Test func aBadExternalLabelNameIsRefusedWithItsLine() throws {
        let message = try Self.refusal("server: http://osprey:9300\nexternal_labels:\n  region: eu\n  bad-name: x\n")
        #expect(message.contains("agent.yml:3: external_labels:"), "\(message)")
        #expect(message.contains("\"bad-name\" is not a valid label name"), "\(message)")
        let good = try Self.decode("external_labels:\n  region: eu\n  instance: web-1\n")
        #expect(good.externalLabels == Labels(["region": "eu", "instance": "web-1"]))
        #expect(good.externalLabels(hostName: "h") == Labels(["region": "eu", "instance": "web-1"]))
        #expect(try Self.decode("external_labels:\n  region: eu\n").externalLabels(hostName: "h")["instance"] == "h")
    }

    @Test func zeroMaxSamplesIsRefusedWithItsLine() throws {
        let message = try Self.refusal("server: http://osprey:9300\nbatch:\n  max_samples: 0\n")
        #expect(message.contains("agent.yml:3: batch:"), "\(message)")
        #expect(message.contains("max_samples must be at least 1"), "\(message)")
        let batch = try Self.decode("batch:\n  max_samples: 500\n  max_age: 5s\n").batch
        #expect(batch == AgentBatchConfiguration(maxSamples: 500, maxAge: .seconds(5)))
    }

    @Test func bufferSizesTakeUnits() throws {
        let config = try Self.decode("buffer:\n  path: /var/lib/osprey/agent.sqlite\n  max_bytes: 1MiB\n")
        #expect(config.buffer.maxBytes == 1_048_576)
        #expect(config.buffer.path == "/var/lib/osprey/agent.sqlite")
        #expect(try Self.decode("buffer:\n  max_bytes: 2GiB\n").buffer.maxBytes == 2 << 30)
        let empty = try Self.refusal("buffer:\n  path: \"\"\n")
        #expect(empty.contains("agent.yml:"), "\(empty)")
    }

    @Test func scrapeJobsAndProbesFollowTheAgentsIntervalUnlessWritten() throws {
        let config = try Self.decode(
            """
            interval: 5s
            scrape_configs:
              - job_name: app
                static_configs:
                  - targets: [localhost:8080]
              - job_name: slow
                scrape_interval: 1m
                static_configs:
                  - targets: [localhost:8081]
            probe_modules:
              tcp:
                prober: tcp
            probes:
              - job_name: ports
                module: tcp
                targets: [localhost:22]
            """)
        #expect(config.interval == .seconds(5))
        #expect(config.scrapeConfigs.map(\.jobName) == ["app", "slow"])
        #expect(config.scrapeConfigs.map(\.scrapeInterval) == [.seconds(5), .seconds(60)])
        #expect(config.probes.jobs.map(\.interval) == [.seconds(5)])
        #expect(config.asServerConfiguration.scrapeConfigs.map(\.scrapeInterval) == [.seconds(5), .seconds(60)])
    }

    @Test func aProbeJobWithAMissingModuleIsRefused() throws {
        let message = try Self.refusal(
            """
            probe_modules:
              tcp:
                prober: tcp
            probes:
              - job_name: web
                module: http_3xx
                targets: [example.com]
            """)
        #expect(message.contains("agent.yml:"), "\(message)")
        #expect(message.contains("module \"http_3xx\" is not in probe_modules"), "\(message)")
    }

    @Test func aDuplicateScrapeJobAndAnUnknownKeyAreRefused() throws {
        let duplicate = try Self.refusal(
            "scrape_configs:\n  - job_name: app\n  - job_name: app\n")
        #expect(duplicate.contains("job_name \"app\" is used twice"), "\(duplicate)")
        let unknown = try Self.refusal("server: http://osprey:9300\nservers: [http://x]\n")
        #expect(unknown.contains("agent.yml:2"), "\(unknown)")
    }
}
