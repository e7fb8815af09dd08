import OspreyModel

/// The `tcp:` block of a blackbox exporter module: connect, optionally over TLS, then hold a
/// scripted conversation of lines sent and regexes expected.
public struct TCPProbeConfiguration: Codable, Equatable, Sendable {
    public var queryResponse: [TCPQueryResponse]
    /// Whether to speak TLS from the first byte (rather than after a `starttls` step).
    public var tls: Bool
    public var tlsConfig: TLSConfiguration
    public var preferredIPProtocol: IPProtocol
    public var ipProtocolFallback: Bool
    public var sourceIPAddress: String?

    public init(
        queryResponse: [TCPQueryResponse] = [], tls: Bool = false, tlsConfig: TLSConfiguration = TLSConfiguration(),
        preferredIPProtocol: IPProtocol = .ip6, ipProtocolFallback: Bool = true, sourceIPAddress: String? = nil
    ) {
        self.queryResponse = queryResponse
        self.tls = tls
        self.tlsConfig = tlsConfig
        self.preferredIPProtocol = preferredIPProtocol
        self.ipProtocolFallback = ipProtocolFallback
        self.sourceIPAddress = sourceIPAddress
    }

    enum CodingKeys: String, CodingKey {
        case queryResponse = "query_response"
        case tls
        case tlsConfig = "tls_config"
        case preferredIPProtocol = "preferred_ip_protocol"
        case ipProtocolFallback = "ip_protocol_fallback"
        case sourceIPAddress = "source_ip_address"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            queryResponse: try container.decodeIfPresent([TCPQueryResponse].self, forKey: .queryResponse) ?? [],
            tls: try container.decodeIfPresent(Bool.self, forKey: .tls) ?? false,
            tlsConfig: try container.decodeIfPresent(TLSConfiguration.self, forKey: .tlsConfig) ?? TLSConfiguration(),
            preferredIPProtocol: try container.decodeIfPresent(IPProtocol.self, forKey: .preferredIPProtocol) ?? .ip6,
            ipProtocolFallback: try container.decodeIfPresent(Bool.self, forKey: .ipProtocolFallback) ?? true,
            sourceIPAddress: try container.decodeIfPresent(String.self, forKey: .sourceIPAddress))
    }
}

/// One step of a `query_response` conversation; blackbox allows `expect`, `send` and
/// `starttls` together in one step and runs them in that order.
public struct TCPQueryResponse: Codable, Equatable, Sendable {
    /// Searched for (not whole-matched) in each line read, as Go's `MatchString` does.
    public var expect: String?
    public var send: String?
    public var startTLS: Bool

    public init(expect: String? = nil, send: String? = nil, startTLS: Bool = false) {
        self.expect = expect
        self.send = send
        self.startTLS = startTLS
    }

    /// `expect` compiled for searching within a line; nil when the step expects nothing.
    public func expectRegex() throws(GoRegex.SyntaxError) -> Regex<AnyRegexOutput>? {
        guard let expect else { return nil }
        return try ProbePattern.searching(expect)
    }

    enum CodingKeys: String, CodingKey {
        case expect, send
        case startTLS = "starttls"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            expect: try container.decodeIfPresent(String.self, forKey: .expect),
            send: try container.decodeIfPresent(String.self, forKey: .send),
            startTLS: try container.decodeIfPresent(Bool.self, forKey: .startTLS) ?? false)
        if let expect {
            do {
                _ = try ProbePattern.searching(expect)
            } catch {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: decoder.codingPath, debugDescription: "expect: invalid regex \"\(expect)\": \(error)"))
            }
        }
    }
}

/// Which address family a prober prefers when a target name has both.
public enum IPProtocol: String, Codable, Equatable, Sendable, CaseIterable {
    case ip4, ip6

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        // Blackbox accepts tcp4/udp4 style spellings too: only the family matters.
        switch text.lowercased() {
        case "ip4", "ipv4", "tcp4", "udp4": self = .ip4
        case "ip6", "ipv6", "tcp6", "udp6": self = .ip6
        default:
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "preferred_ip_protocol must be ip4 or ip6, not \"\(text)\""))
        }
    }

    /// The number blackbox reports as `probe_ip_protocol`.
    public var version: Int { self == .ip4 ? 4 : 6 }
}

/// Blackbox's regexes are RE2 searched anywhere in the text, while `GoRegex` whole-matches:
/// wrapping in "anything" on both sides turns one into the other.
enum ProbePattern {
    static func searching(_ pattern: String) throws(GoRegex.SyntaxError) -> Regex<AnyRegexOutput> {
        try GoRegex.anchored("[\\s\\S]*?(?:" + pattern + ")[\\s\\S]*")
    }
}
