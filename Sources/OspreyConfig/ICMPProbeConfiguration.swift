/// The `icmp:` block of a blackbox exporter module: one echo request, judged by whether its
/// reply comes back in time.
public struct ICMPProbeConfiguration: Codable, Equatable, Sendable {
    public var preferredIPProtocol: ProbeIPProtocol
    public var ipProtocolFallback: Bool
    public var sourceIPAddress: String?
    /// Bytes of payload after the ICMP header; 0 sends blackbox's default text.
    public var payloadSize: Int
    /// Sets IPv4's don't-fragment bit, to find path MTU problems with a large `payload_size`.
    public var dontFragment: Bool
    public var ttl: Int

    public init(
        preferredIPProtocol: ProbeIPProtocol = .ip6, ipProtocolFallback: Bool = true, sourceIPAddress: String? = nil,
        payloadSize: Int = 0, dontFragment: Bool = false, ttl: Int = 64
    ) {
        self.preferredIPProtocol = preferredIPProtocol
        self.ipProtocolFallback = ipProtocolFallback
        self.sourceIPAddress = sourceIPAddress
        self.payloadSize = payloadSize
        self.dontFragment = dontFragment
        self.ttl = ttl
    }

    enum CodingKeys: String, CodingKey {
        case preferredIPProtocol = "preferred_ip_protocol"
        case ipProtocolFallback = "ip_protocol_fallback"
        case sourceIPAddress = "source_ip_address"
        case payloadSize = "payload_size"
        case dontFragment = "dont_fragment"
        case ttl
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            preferredIPProtocol: try container.decodeIfPresent(ProbeIPProtocol.self, forKey: .preferredIPProtocol) ?? .ip6,
            ipProtocolFallback: try container.decodeIfPresent(Bool.self, forKey: .ipProtocolFallback) ?? true,
            sourceIPAddress: try container.decodeIfPresent(String.self, forKey: .sourceIPAddress),
            payloadSize: try container.decodeIfPresent(Int.self, forKey: .payloadSize) ?? 0,
            dontFragment: try container.decodeIfPresent(Bool.self, forKey: .dontFragment) ?? false,
            ttl: try container.decodeIfPresent(Int.self, forKey: .ttl) ?? 64)
        if !problems.isEmpty {
            throw ConfigProblems(problems)
        }
    }

    /// What is wrong with the block, for the config's error list.
    public var problems: [String] {
        var problems: [String] = []
        // An echo must fit one IPv4 datagram: 65535 less 20 bytes of IP and 8 of ICMP header.
        if !(0...65507).contains(payloadSize) { problems.append("payload_size must be between 0 and 65507, not \(payloadSize)") }
        if !(0...255).contains(ttl) { problems.append("ttl must be between 0 and 255, not \(ttl)") }
        if dontFragment && preferredIPProtocol == .ip6 && !ipProtocolFallback {
            problems.append("dont_fragment only applies to ip4, but preferred_ip_protocol is ip6 without fallback")
        }
        return problems
    }
}
