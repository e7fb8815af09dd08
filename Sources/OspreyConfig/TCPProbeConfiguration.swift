import OspreyModel

/// The `tcp:` block of a blackbox exporter module: connect, optionally over TLS, then hold a
/// scripted conversation of lines sent and regexes expected.
public struct TCPProbeConfiguration: Codable, Equatable, Sendable {
    public var queryResponse: [TCPQueryResponse]
    /// Whether to speak TLS from the first byte (rather than after a `starttls` step).
    public var tls: Bool
    public var tlsConfig: TLSConfiguration
    public var preferredIPProtocol: ProbeIPProtocol
    public var ipProtocolFallback: Bool
    public var sourceIPAddress: String?

    public init(
        queryResponse: [TCPQueryResponse] = [], tls: Bool = false, tlsConfig: TLSConfiguration = TLSConfiguration(),
        preferredIPProtocol: ProbeIPProtocol = .ip6, ipProtocolFallback: Bool = true, sourceIPAddress: String? = nil
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
            preferredIPProtocol: try container.decodeIfPresent(ProbeIPProtocol.self, forKey: .preferredIPProtocol) ?? .ip6,
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
    public func expectRegex() throws(GoRegex.SyntaxError) -> GoRegex? {
        guard let expect else { return nil }
        return try ProbeRegex.unanchored(expect)
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
                _ = try ProbeRegex.unanchored(expect)
            } catch {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: decoder.codingPath, debugDescription: "expect: invalid regex \"\(expect)\": \(error)"))
            }
        }
    }
}
