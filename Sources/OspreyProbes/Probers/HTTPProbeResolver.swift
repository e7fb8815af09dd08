#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import OspreyConfig

/// Resolves a probe target's host as blackbox exporter does: the preferred address family
/// first, the other one only when `ip_protocol_fallback` allows. Done here rather than left to
/// the HTTP client so the lookup can be timed and the address reported.
struct HTTPProbeResolver: Sendable {
    struct Resolved: Sendable {
        var address: String
        var ipProtocol: ProbeIPProtocol
    }

    var preferred: ProbeIPProtocol
    var fallback: Bool

    func resolve(_ host: String) -> Resolved? {
        let families: [ProbeIPProtocol] = fallback ? [preferred, preferred == .ip4 ? .ip6 : .ip4] : [preferred]
        for family in families {
            if let address = Self.lookup(host, family: family) { return Resolved(address: address, ipProtocol: family) }
        }
        return nil
    }

    private static func lookup(_ host: String, family: ProbeIPProtocol) -> String? {
        var hints = addrinfo()
        hints.ai_family = family == .ip4 ? AF_INET : AF_INET6
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return nil }
        defer { freeaddrinfo(list) }
        var text = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        guard getnameinfo(first.pointee.ai_addr, first.pointee.ai_addrlen, &text, socklen_t(text.count), nil, 0, NI_NUMERICHOST) == 0
        else { return nil }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
