/// `preferred_ip_protocol`: which address family a probe resolves its target to first.
public enum ProbeIPProtocol: String, Codable, Equatable, Sendable, CaseIterable {
    case ip4, ip6

    /// Read case-insensitively, with blackbox's other spellings (`ipv4`, `tcp4`, `udp6`): only the
    /// family matters. Anything else is an error naming the value.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        switch text.lowercased() {
        case "ip4", "ipv4", "tcp4", "udp4": self = .ip4
        case "ip6", "ipv6", "tcp6", "udp6": self = .ip6
        default:
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "preferred_ip_protocol must be ip4 or ip6, not \"\(text)\""))
        }
    }

    /// The number `probe_ip_protocol` reports.
    public var number: Int { self == .ip4 ? 4 : 6 }
}
