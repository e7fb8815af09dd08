import Testing

@testable import OspreyConfig

/// The `icmp:` module block read as blackbox exporter reads it, from its documented examples.
@Suite struct ICMPProbeConfigurationTests {
    private func decode(_ yaml: String) throws(ConfigErrors) -> ICMPProbeConfiguration {
        try StrictYAMLDecoder().decode(ICMPProbeConfiguration.self, from: yaml, file: "blackbox.yml")
    }

    @Test func anEmptyBlockTakesBlackboxDefaults() throws {
        let config = try decode("{}")
        #expect(config == ICMPProbeConfiguration())
        #expect(config.preferredIPProtocol == .ip6)
        #expect(config.ttl == 64)
    }

    @Test func theDocumentedExamplesAreRead() throws {
        let config = try decode(
            """
            preferred_ip_protocol: "ip4"
            source_ip_address: "127.0.0.1"
            payload_size: 1472
            dont_fragment: true
            ttl: 5
            """)
        #expect(config.preferredIPProtocol == .ip4)
        #expect(config.sourceIPAddress == "127.0.0.1")
        #expect(config.payloadSize == 1472)
        #expect(config.dontFragment)
        #expect(config.ttl == 5)
    }

    @Test func mistakesAreRefusedInWords() throws {
        let big = try #require(throws: ConfigErrors.self) { try decode("payload_size: 70000") }
        #expect(big.description.contains("payload_size must be between 0 and 65507"))
        let ttl = try #require(throws: ConfigErrors.self) { try decode("ttl: 300") }
        #expect(ttl.description.contains("ttl must be between 0 and 255"))
        let unknown = try #require(throws: ConfigErrors.self) { try decode("count: 3") }
        #expect(unknown.description.contains("count"))
    }
}
