import Testing

@testable import OspreyConfig

/// The `dns:` module block read as blackbox exporter reads it, from its documented examples.
@Suite struct DNSProbeConfigurationTests {
    private func decode(_ yaml: String) throws(ConfigErrors) -> DNSProbeConfiguration {
        try StrictYAMLDecoder().decode(DNSProbeConfiguration.self, from: yaml, file: "blackbox.yml")
    }

    @Test func onlyQueryNameIsRequiredAndTheRestTakesBlackboxDefaults() throws {
        let config = try decode("query_name: example.com")
        #expect(config == DNSProbeConfiguration(queryName: "example.com"))
        #expect(config.queryType == "ANY")
        #expect(config.queryClass == "IN")
        #expect(config.validRcodes == ["NOERROR"])
        #expect(config.transportProtocol == .udp)
        #expect(config.recursionDesired)
        #expect(config.preferredIPProtocol == .ip6)
        #expect(throws: ConfigErrors.self) { try decode("query_type: A") }
    }

    @Test func theSOAExampleIsRead() throws {
        let config = try decode(
            """
            query_name: "prometheus.io"
            query_type: "SOA"
            transport_protocol: "tcp"
            preferred_ip_protocol: "ip4"
            recursion_desired: false
            valid_rcodes: [NOERROR, NXDOMAIN]
            validate_answer_rrs:
              fail_if_matches_regexp:
                - ".*127.0.0.1"
              fail_if_all_match_regexp:
                - ".*127.0.0.1"
              fail_if_not_matches_regexp:
                - "www.prometheus.io.\\t300\\tIN\\tA\\t127.0.0.1"
              fail_if_none_matches_regexp:
                - "127.0.0.1"
            validate_authority_rrs:
              fail_if_matches_regexp:
                - ".*127.0.0.1"
            validate_additional_rrs:
              fail_if_matches_regexp:
                - ".*127.0.0.1"
            """)
        #expect(config.queryType == "SOA")
        #expect(config.transportProtocol == .tcp)
        #expect(!config.recursionDesired)
        #expect(config.validRcodes == ["NOERROR", "NXDOMAIN"])
        #expect(config.validateAnswerRRs.failIfNoneMatchesRegexp == ["127.0.0.1"])
        #expect(config.validateAuthorityRRs.failIfMatchesRegexp == [".*127.0.0.1"])
        #expect(config.validateAdditionalRRs.failIfMatchesRegexp == [".*127.0.0.1"])
    }

    @Test func recordRulesFollowBlackbox() throws {
        let records = ["a.test.\t300\tIN\tA\t127.0.0.1", "a.test.\t300\tIN\tA\t10.0.0.1"]
        #expect(try DNSRRValidation(failIfMatchesRegexp: ["10\\.0"]).violation(of: records) != nil)
        #expect(try DNSRRValidation(failIfAllMatchRegexp: ["IN\\tA"]).violation(of: records) != nil)
        #expect(try DNSRRValidation(failIfAllMatchRegexp: ["127"]).violation(of: records) == nil)
        #expect(try DNSRRValidation(failIfNotMatchesRegexp: ["127"]).violation(of: records) != nil)
        #expect(try DNSRRValidation(failIfNoneMatchesRegexp: ["127"]).violation(of: records) == nil)
        #expect(try DNSRRValidation(failIfNoneMatchesRegexp: ["192"]).violation(of: records) != nil)
    }

    @Test func badNamesAndRegexesAreRefusedInWords() throws {
        let badType = try #require(throws: ConfigErrors.self) { try decode("query_name: a\nquery_type: AAA") }
        #expect(badType.description.contains("query_type \"AAA\" is not one of"))
        let badRcode = try #require(throws: ConfigErrors.self) { try decode("query_name: a\nvalid_rcodes: [NOPE]") }
        #expect(badRcode.description.contains("valid_rcodes: \"NOPE\""))
        let badTransport = try #require(throws: ConfigErrors.self) { try decode("query_name: a\ntransport_protocol: quic") }
        #expect(badTransport.description.contains("transport_protocol"))
        let badRegex = try #require(throws: ConfigErrors.self) {
            try decode("query_name: a\nvalidate_answer_rrs: {fail_if_matches_regexp: [\"(\"]}")
        }
        #expect(badRegex.description.contains("invalid regex"))
    }
}
