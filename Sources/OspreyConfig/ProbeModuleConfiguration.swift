/// One module of a blackbox exporter config: which prober, how long it may take, and that
/// prober's settings. Only the block for the chosen prober is used; its absence means defaults.
public struct ProbeModuleConfiguration: Codable, Equatable, Sendable {
    public var prober: ProbeKind
    /// Nil: the probe job decides (see `ProbeJobConfiguration.timeout(for:)`).
    public var timeout: Duration?
    public var http: HTTPProbeConfiguration?
    public var tcp: TCPProbeConfiguration?
    public var dns: DNSProbeConfiguration?
    public var icmp: ICMPProbeConfiguration?
    /// What an ad-hoc `/probe` may reach with this module; an Osprey key, not blackbox's.
    public var allowedTargets: ProbeAllowedTargets

    public init(
        prober: ProbeKind, timeout: Duration? = nil, http: HTTPProbeConfiguration? = nil, tcp: TCPProbeConfiguration? = nil,
        dns: DNSProbeConfiguration? = nil, icmp: ICMPProbeConfiguration? = nil,
        allowedTargets: ProbeAllowedTargets = ProbeAllowedTargets()
    ) {
        self.prober = prober
        self.timeout = timeout
        self.http = http
        self.tcp = tcp
        self.dns = dns
        self.icmp = icmp
        self.allowedTargets = allowedTargets
    }

    enum CodingKeys: String, CodingKey {
        case prober, timeout, http, tcp, dns, icmp
        case allowedTargets = "allowed_targets"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let proberName = try container.decode(String.self, forKey: .prober)
        let timeout = try container.decodeIfPresent(DurationValue.self, forKey: .timeout)?.duration
        let http = try container.decodeIfPresent(HTTPProbeConfiguration.self, forKey: .http)
        let tcp = try container.decodeIfPresent(TCPProbeConfiguration.self, forKey: .tcp)
        let dns = try container.decodeIfPresent(DNSProbeConfiguration.self, forKey: .dns)
        let icmp = try container.decodeIfPresent(ICMPProbeConfiguration.self, forKey: .icmp)
        let allowedTargets = try container.decodeIfPresent(ProbeAllowedTargets.self, forKey: .allowedTargets)
        guard let prober = ProbeKind(rawValue: proberName) else {
            let known = ProbeKind.allCases.map(\.rawValue).joined(separator: ", ")
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "unknown prober \"\(proberName)\" (known: \(known))"))
        }
        if let timeout, timeout <= .zero {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "timeout must be greater than 0s"))
        }
        self.init(
            prober: prober, timeout: timeout, http: http, tcp: tcp, dns: dns, icmp: icmp,
            allowedTargets: allowedTargets ?? ProbeAllowedTargets())
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(prober, forKey: .prober)
        try container.encodeIfPresent(timeout?.prometheusString, forKey: .timeout)
        try container.encodeIfPresent(http, forKey: .http)
        try container.encodeIfPresent(tcp, forKey: .tcp)
        try container.encodeIfPresent(dns, forKey: .dns)
        try container.encodeIfPresent(icmp, forKey: .icmp)
        if !allowedTargets.isEmpty { try container.encode(allowedTargets, forKey: .allowedTargets) }
    }
}
