import NIOCore
import NIOPosix
import OspreyConfig

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Turns a target's host into the one address a prober connects to, choosing the address family
/// as blackbox exporter does: the preferred family if the name has one, else the other when
/// fallback is allowed. Every prober resolves here rather than leaving it to its client, so the
/// lookup is timed and the address reported. The system resolver blocks, so it runs on NIO's
/// thread pool rather than on the cooperative pool.
struct ProbeTargetResolver: Sendable {
    var preferred: ProbeIPProtocol
    var fallback: Bool

    struct Resolution: Sendable {
        var address: SocketAddress
        var ipProtocol: ProbeIPProtocol
        var lookupTime: Duration
        /// The address as text, for `probe_ip_addr_hash` and messages.
        var ip: String
    }

    struct Failure: Error, Sendable, CustomStringConvertible {
        var description: String
    }

    func resolve(host: String, port: Int) async throws(Failure) -> Resolution {
        let clock = ContinuousClock()
        let start = clock.now
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let candidates: [SocketAddress]
        do {
            candidates = try await NIOThreadPool.singleton.runIfActive { try Self.lookUp(bare, port: port) }
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: "resolving \(bare): \(error)")
        }
        let lookupTime = clock.now - start
        let wanted: Int32 = preferred == .ip4 ? AF_INET : AF_INET6
        let chosen =
            candidates.first { $0.protocol.rawValue == wanted }
            ?? (fallback ? candidates.first : nil)
        guard let chosen else {
            throw Failure(description: "\(bare) has no \(preferred.rawValue) address and ip_protocol_fallback is off")
        }
        let family: ProbeIPProtocol = chosen.protocol.rawValue == AF_INET ? .ip4 : .ip6
        return Resolution(address: chosen, ipProtocol: family, lookupTime: lookupTime, ip: chosen.ipAddress ?? bare)
    }

    private static func lookUp(_ host: String, port: Int) throws -> [SocketAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let list else {
            throw Failure(description: "resolving \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        var addresses: [SocketAddress] = []
        var entry: UnsafeMutablePointer<addrinfo>? = list
        while let current = entry {
            if let raw = current.pointee.ai_addr {
                switch current.pointee.ai_family {
                case AF_INET:
                    let address = raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee }
                    addresses.append(SocketAddress(address, host: host))
                case AF_INET6:
                    let address = raw.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee }
                    addresses.append(SocketAddress(address, host: host))
                default: break
                }
            }
            entry = current.pointee.ai_next
        }
        guard !addresses.isEmpty else { throw Failure(description: "resolving \(host): no addresses") }
        return addresses
    }
}
