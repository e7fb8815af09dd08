/// `preferred_ip_protocol`: which address family a probe resolves its target to first.
public enum ProbeIPProtocol: String, Codable, Equatable, Sendable {
    case ip4, ip6

    /// Read case-insensitively; anything but ip4 and ip6 is an error naming the value.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = ProbeIPProtocol(rawValue: text.lowercased()) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "preferred_ip_protocol must be ip4 or ip6, not \"\(text)\""))
        }
        self = value
    }

    /// The number `probe_ip_protocol` reports.
    public var number: Int { self == .ip4 ? 4 : 6 }
}
