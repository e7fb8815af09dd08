import Testing

@testable import OspreyConfig

/// How config errors read to the person who wrote the file: every error of a file at once, each on
/// a line of its own at the line of the key it is about, in words that name the allowed values.
@Suite struct ConfigErrorReportTests {
    private func errors(_ yaml: String) throws -> [String] {
        let errors = try #require(throws: ConfigErrors.self) { try ConfigFile.parse(yaml, file: "osprey.yml") }
        return errors.errors.map(\.description)
    }

    @Test func anUnknownEnumValueListsTheValidOnes() throws {
        let reported = try errors(
            """
            auth:
              tokens:
                - {name: ops, token: ops-token-0123456789, role: root}
            scrape_configs:
              - job_name: app
                static_configs: [{targets: ["a:1"]}]
                relabel_configs:
                  - {action: squash}
            probe_modules:
              dns_tcp:
                prober: dns
                dns: {query_name: example.com, transport_protocol: quic}
            """)
        #expect(reported.contains("osprey.yml:3: auth.tokens[0].role: \"root\" is not one of ingest, query, admin"), "\(reported)")
        #expect(
            reported.contains { $0.hasPrefix("osprey.yml:8: scrape_configs[0].relabel_configs[0].action: ") && $0.contains("keepequal, dropequal") })
        #expect(reported.contains("osprey.yml:12: probe_modules.dns_tcp.dns.transport_protocol: \"quic\" is not one of udp, tcp"), "\(reported)")
        #expect(!reported.contains { $0.contains("Cannot initialize") }, "Swift's decoder text: \(reported)")
    }

    @Test func everyEnumDecodedByTheConfigNamesItsValues() throws {
        // Any `String` enum the config decodes through its raw value must list what it accepts.
        let decoded = try #require(throws: ConfigErrors.self) {
            try StrictYAMLDecoder().decode(StorageConfiguration.WALFsync.self, from: "never", file: "x.yml")
        }
        #expect(decoded.description == "x.yml:1: \"never\" is not one of always, 1s")
    }

    @Test func problemsFoundTogetherAreReportedOnTheirOwnKeysLines() throws {
        let reported = try errors(
            """
            storage:
              max_series: 0
              retention: 0s
              shard_window: 10s
            global:
              scrape_interval: 10s
              scrape_timeout: 20s
              external_labels:
                __x: y
            """)
        #expect(
            reported.sorted() == [
                "osprey.yml:2: storage: max_series must be at least 1",
                "osprey.yml:3: storage: retention must be greater than 0s",
                "osprey.yml:4: storage: shard_window must be at least 1m",
                "osprey.yml:7: global: scrape_timeout (20s) is greater than scrape_interval (10s)",
                "osprey.yml:8: global: external_labels: \"__x\" is not a valid label name",
            ], "\(reported)")
    }

    @Test func everyBadElementOfAListIsReported() throws {
        let reported = try errors(
            """
            scrape_configs:
              - job_name: one
                scrape_interval: 1x
                static_configs: [{targets: ["a:1"]}]
              - job_name: two
                static_configs: [{targets: ["b:1"]}]
              - job_name: three
                metrics_path: nope
                static_configs: [{targets: ["c:1"]}]
            """)
        #expect(reported.contains { $0.hasPrefix("osprey.yml:3: scrape_configs[0].scrape_interval: bad duration \"1x\"") }, "\(reported)")
        #expect(reported.contains { $0.hasPrefix("osprey.yml:8: scrape_configs[2]: metrics_path must start with") }, "\(reported)")
    }
}
