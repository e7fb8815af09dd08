import OspreyModel

/// The `dns:` block of a blackbox exporter module: one query to the target DNS server, judged by
/// its response code and regexes over the records in each section.
public struct DNSProbeConfiguration: Codable, Equatable, Sendable {
    /// Record types a query may ask for, by the name blackbox (and miekg/dns) give them.
    public static let queryTypes: [String: UInt16] = [
        "A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "PTR": 12, "MX": 15, "TXT": 16, "AAAA": 28, "SRV": 33,
        "DS": 43, "RRSIG": 46, "DNSKEY": 48, "SVCB": 64, "HTTPS": 65, "CAA": 257, "ANY": 255,
    ]
    public static let queryClasses: [String: UInt16] = ["IN": 1, "CH": 3, "HS": 4, "ANY": 255]
    public static let rcodes: [String: UInt16] = [
        "NOERROR": 0, "FORMERR": 1, "SERVFAIL": 2, "NXDOMAIN": 3, "NOTIMP": 4, "REFUSED": 5,
        "YXDOMAIN": 6, "YXRRSET": 7, "NXRRSET": 8, "NOTAUTH": 9, "NOTZONE": 10,
    ]

    public enum TransportProtocol: String, Codable, Equatable, Sendable, CaseIterable {
        case udp, tcp
    }

    public var queryName: String
    public var queryType: String
    public var queryClass: String
    public var validRcodes: [String]
    public var validateAnswerRRs: DNSRRValidation
    public var validateAuthorityRRs: DNSRRValidation
    public var validateAdditionalRRs: DNSRRValidation
    public var transportProtocol: TransportProtocol
    public var recursionDesired: Bool
    public var preferredIPProtocol: ProbeIPProtocol
    public var ipProtocolFallback: Bool
    public var sourceIPAddress: String?

    public init(
        queryName: String, queryType: String = "ANY", queryClass: String = "IN", validRcodes: [String] = ["NOERROR"],
        validateAnswerRRs: DNSRRValidation = DNSRRValidation(), validateAuthorityRRs: DNSRRValidation = DNSRRValidation(),
        validateAdditionalRRs: DNSRRValidation = DNSRRValidation(), transportProtocol: TransportProtocol = .udp,
        recursionDesired: Bool = true, preferredIPProtocol: ProbeIPProtocol = .ip6, ipProtocolFallback: Bool = true,
        sourceIPAddress: String? = nil
    ) {
        self.queryName = queryName
        self.queryType = queryType
        self.queryClass = queryClass
        self.validRcodes = validRcodes
        self.validateAnswerRRs = validateAnswerRRs
        self.validateAuthorityRRs = validateAuthorityRRs
        self.validateAdditionalRRs = validateAdditionalRRs
        self.transportProtocol = transportProtocol
        self.recursionDesired = recursionDesired
        self.preferredIPProtocol = preferredIPProtocol
        self.ipProtocolFallback = ipProtocolFallback
        self.sourceIPAddress = sourceIPAddress
    }

    enum CodingKeys: String, CodingKey {
        case queryName = "query_name"
        case queryType = "query_type"
        case queryClass = "query_class"
        case validRcodes = "valid_rcodes"
        case validateAnswerRRs = "validate_answer_rrs"
        case validateAuthorityRRs = "validate_authority_rrs"
        case validateAdditionalRRs = "validate_additional_rrs"
        case transportProtocol = "transport_protocol"
        case recursionDesired = "recursion_desired"
        case preferredIPProtocol = "preferred_ip_protocol"
        case ipProtocolFallback = "ip_protocol_fallback"
        case sourceIPAddress = "source_ip_address"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            queryName: try container.decode(String.self, forKey: .queryName),
            queryType: try container.decodeIfPresent(String.self, forKey: .queryType)?.uppercased() ?? "ANY",
            queryClass: try container.decodeIfPresent(String.self, forKey: .queryClass)?.uppercased() ?? "IN",
            validRcodes: try container.decodeIfPresent([String].self, forKey: .validRcodes)?.map { $0.uppercased() } ?? ["NOERROR"],
            validateAnswerRRs: try container.decodeIfPresent(DNSRRValidation.self, forKey: .validateAnswerRRs) ?? DNSRRValidation(),
            validateAuthorityRRs: try container.decodeIfPresent(DNSRRValidation.self, forKey: .validateAuthorityRRs) ?? DNSRRValidation(),
            validateAdditionalRRs: try container.decodeIfPresent(DNSRRValidation.self, forKey: .validateAdditionalRRs) ?? DNSRRValidation(),
            transportProtocol: try container.decodeIfPresent(TransportProtocol.self, forKey: .transportProtocol) ?? .udp,
            recursionDesired: try container.decodeIfPresent(Bool.self, forKey: .recursionDesired) ?? true,
            preferredIPProtocol: try container.decodeIfPresent(ProbeIPProtocol.self, forKey: .preferredIPProtocol) ?? .ip6,
            ipProtocolFallback: try container.decodeIfPresent(Bool.self, forKey: .ipProtocolFallback) ?? true,
            sourceIPAddress: try container.decodeIfPresent(String.self, forKey: .sourceIPAddress))
        if !problems.isEmpty {
            throw ConfigProblems(problems)
        }
    }

    /// What is wrong with the block, for the config's error list.
    public var problems: [String] {
        var problems: [String] = []
        if queryName.isEmpty { problems.append("query_name must not be empty") }
        if Self.queryTypes[queryType] == nil {
            problems.append("query_type \"\(queryType)\" is not one of \(Self.queryTypes.keys.sorted().joined(separator: ", "))")
        }
        if Self.queryClasses[queryClass] == nil {
            problems.append("query_class \"\(queryClass)\" is not one of \(Self.queryClasses.keys.sorted().joined(separator: ", "))")
        }
        for rcode in validRcodes where Self.rcodes[rcode] == nil {
            problems.append("valid_rcodes: \"\(rcode)\" is not a response code (\(Self.rcodes.keys.sorted().joined(separator: ", ")))")
        }
        return problems
    }
}

/// Regexes over one section's records, each record written as `dig` and miekg/dns write it
/// (`example.com.\t300\tIN\tA\t192.0.2.1`).
public struct DNSRRValidation: Codable, Equatable, Sendable {
    /// Fail if any record matches any of these.
    public var failIfMatchesRegexp: [String]
    /// Fail if, for one of these, every record matches it.
    public var failIfAllMatchRegexp: [String]
    /// Fail if, for one of these, some record does not match it.
    public var failIfNotMatchesRegexp: [String]
    /// Fail if, for one of these, no record matches it.
    public var failIfNoneMatchesRegexp: [String]

    public init(
        failIfMatchesRegexp: [String] = [], failIfAllMatchRegexp: [String] = [], failIfNotMatchesRegexp: [String] = [],
        failIfNoneMatchesRegexp: [String] = []
    ) {
        self.failIfMatchesRegexp = failIfMatchesRegexp
        self.failIfAllMatchRegexp = failIfAllMatchRegexp
        self.failIfNotMatchesRegexp = failIfNotMatchesRegexp
        self.failIfNoneMatchesRegexp = failIfNoneMatchesRegexp
    }

    enum CodingKeys: String, CodingKey {
        case failIfMatchesRegexp = "fail_if_matches_regexp"
        case failIfAllMatchRegexp = "fail_if_all_match_regexp"
        case failIfNotMatchesRegexp = "fail_if_not_matches_regexp"
        case failIfNoneMatchesRegexp = "fail_if_none_matches_regexp"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            failIfMatchesRegexp: try container.decodeIfPresent([String].self, forKey: .failIfMatchesRegexp) ?? [],
            failIfAllMatchRegexp: try container.decodeIfPresent([String].self, forKey: .failIfAllMatchRegexp) ?? [],
            failIfNotMatchesRegexp: try container.decodeIfPresent([String].self, forKey: .failIfNotMatchesRegexp) ?? [],
            failIfNoneMatchesRegexp: try container.decodeIfPresent([String].self, forKey: .failIfNoneMatchesRegexp) ?? [])
        var problems: [String] = []
        for (key, patterns) in zip(
            ["fail_if_matches_regexp", "fail_if_all_match_regexp", "fail_if_not_matches_regexp", "fail_if_none_matches_regexp"],
            [failIfMatchesRegexp, failIfAllMatchRegexp, failIfNotMatchesRegexp, failIfNoneMatchesRegexp])
        {
            for pattern in patterns {
                do { _ = try ProbeRegex.unanchored(pattern) } catch {
                    problems.append("\(key): invalid regex \"\(pattern)\": \(error)")
                }
            }
        }
        if !problems.isEmpty {
            throw ConfigProblems(problems)
        }
    }

    /// Why `records` fail these rules, or nil when they pass.
    public func violation(of records: [String]) throws(GoRegex.SyntaxError) -> String? {
        func matches(_ regex: GoRegex, _ record: String) -> Bool { regex.matches(record) }
        for pattern in failIfMatchesRegexp {
            let regex = try ProbeRegex.unanchored(pattern)
            if let record = records.first(where: { matches(regex, $0) }) {
                return "record \"\(record)\" matches fail_if_matches_regexp \"\(pattern)\""
            }
        }
        for pattern in failIfAllMatchRegexp {
            let regex = try ProbeRegex.unanchored(pattern)
            if !records.isEmpty, records.allSatisfy({ matches(regex, $0) }) {
                return "every record matches fail_if_all_match_regexp \"\(pattern)\""
            }
        }
        for pattern in failIfNotMatchesRegexp {
            let regex = try ProbeRegex.unanchored(pattern)
            if let record = records.first(where: { !matches(regex, $0) }) {
                return "record \"\(record)\" does not match fail_if_not_matches_regexp \"\(pattern)\""
            }
        }
        for pattern in failIfNoneMatchesRegexp {
            let regex = try ProbeRegex.unanchored(pattern)
            if !records.contains(where: { matches(regex, $0) }) {
                return "no record matches fail_if_none_matches_regexp \"\(pattern)\""
            }
        }
        return nil
    }
}
