import Testing

@testable import OspreyConfig

/// The `tcp:` module block read as blackbox exporter reads it, from its documented examples.
@Suite struct TCPProbeConfigurationTests {
    private func decode(_ yaml: String) throws(ConfigErrors) -> TCPProbeConfiguration {
        try StrictYAMLDecoder().decode(TCPProbeConfiguration.self, from: yaml, file: "blackbox.yml")
    }

    @Test func anEmptyBlockTakesBlackboxDefaults() throws {
        let config = try decode("{}")
        #expect(config == TCPProbeConfiguration())
        #expect(config.preferredIPProtocol == .ip6)
        #expect(config.ipProtocolFallback)
        #expect(!config.tls)
    }

    @Test func theSSHBannerExampleIsRead() throws {
        let config = try decode(
            """
            query_response:
              - expect: "^SSH-2.0-"
              - send: "SSH-2.0-blackbox-ssh-check"
            """)
        #expect(config.queryResponse == [TCPQueryResponse(expect: "^SSH-2.0-"), TCPQueryResponse(send: "SSH-2.0-blackbox-ssh-check")])
    }

    @Test func theIRCAndSMTPStartTLSExamplesAreRead() throws {
        let config = try decode(
            """
            preferred_ip_protocol: ip4
            ip_protocol_fallback: false
            source_ip_address: 127.0.0.1
            tls_config:
              insecure_skip_verify: true
              server_name: mail.example
            query_response:
              - expect: "^220 ([^ ]+) ESMTP (.+)$"
              - send: "EHLO prober\\r"
              - expect: "^250-STARTTLS"
              - send: "STARTTLS\\r"
              - expect: "^220"
              - starttls: true
              - send: "QUIT\\r"
            """)
        #expect(config.preferredIPProtocol == .ip4)
        #expect(!config.ipProtocolFallback)
        #expect(config.sourceIPAddress == "127.0.0.1")
        #expect(config.tlsConfig.insecureSkipVerify)
        #expect(config.tlsConfig.serverName == "mail.example")
        #expect(config.queryResponse.count == 7)
        #expect(config.queryResponse[5].startTLS)
        let regex = try #require(try config.queryResponse[0].expectRegex())
        #expect(regex.matches("220 mx.example ESMTP Postfix"))
    }

    @Test func expectIsSearchedNotWholeMatched() throws {
        let step = TCPQueryResponse(expect: "OK")
        let regex = try #require(try step.expectRegex())
        #expect(regex.matches("+OK ready"))
        #expect(!regex.matches("-ERR"))
    }

    @Test func mistakesAreRefusedWithTheirKey() throws {
        let badRegex = try #require(throws: ConfigErrors.self) { try decode("query_response: [{expect: \"(\"}]") }
        #expect(badRegex.description.contains("invalid regex"))
        let badProtocol = try #require(throws: ConfigErrors.self) { try decode("preferred_ip_protocol: ip5") }
        #expect(badProtocol.description.contains("preferred_ip_protocol must be ip4 or ip6"))
        let unknown = try #require(throws: ConfigErrors.self) { try decode("tls: true\nbanner: x") }
        #expect(unknown.description.contains("banner"))
    }
}
