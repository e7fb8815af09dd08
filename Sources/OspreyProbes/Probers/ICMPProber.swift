import NIOCore
import NIOPosix
import OspreyConfig
import OspreyModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Blackbox exporter's `icmp` prober: one echo request to the target host, successful when
/// the matching echo reply arrives before the timeout.
public struct ICMPProber: Sendable {
    public let config: ICMPProbeConfiguration
    public let timeout: Duration

    public init(_ config: ICMPProbeConfiguration, timeout: Duration) {
        self.config = config
        self.timeout = timeout
    }

    public func probe(_ target: String) async -> ProbeResult {
        let clock = ContinuousClock()
        let start = clock.now
        var metrics: [ProbeMetric] = []
        var steps: [String] = []
        func set(_ name: String, _ value: Double, _ help: String, labels: Labels = Labels()) {
            metrics.append(ProbeMetric(name: name, labels: labels, value: value, help: help))
        }
        let phaseHelp = "Duration of icmp request by phase"
        do throws(ICMPEcho.Failure) {
            // A bare host is the usual icmp target; a port, if written, means nothing to ICMP.
            let host = ProbeTargetAddress.split(target, defaultPort: 0)?.host ?? target
            let resolver = ProbeTargetResolver(preferred: config.preferredIPProtocol, fallback: config.ipProtocolFallback)
            let resolution: ProbeTargetResolver.Resolution
            do { resolution = try await resolver.resolve(host: host, port: 0) } catch {
                throw ICMPEcho.Failure(description: error.description)
            }
            set("probe_dns_lookup_time_seconds", resolution.lookupTime.seconds, "Returns the time taken for probe dns lookup in seconds")
            set("probe_icmp_duration_seconds", resolution.lookupTime.seconds, phaseHelp, labels: Labels(["phase": "resolve"]))
            set("probe_ip_protocol", Double(resolution.ipProtocol.number), "Specifies whether probe ip protocol is IP4 or IP6")
            set(
                "probe_ip_addr_hash", ProbeTargetAddress.hash(resolution.ip),
                "Specifies the hash of IP address. It's useful to detect if the IP address changes.")
            let echo = ICMPEcho(
                ip: resolution.ip, ipProtocol: resolution.ipProtocol, config: config, timeout: timeout)
            let reply: ICMPEcho.Reply
            do {
                reply = try await NIOThreadPool.singleton.runIfActive { try echo.run() }
            } catch let failure as ICMPEcho.Failure {
                throw failure
            } catch {
                throw ICMPEcho.Failure(description: "\(error)")
            }
            set("probe_icmp_duration_seconds", reply.setup.seconds, phaseHelp, labels: Labels(["phase": "setup"]))
            set("probe_icmp_duration_seconds", reply.roundTrip.seconds, phaseHelp, labels: Labels(["phase": "rtt"]))
            steps.append("echo reply from \(resolution.ip) after \(reply.roundTrip)")
            return ProbeResult(success: true, duration: clock.now - start, metrics: metrics, steps: steps)
        } catch {
            steps.append("failed: \(error.description)")
            return ProbeResult(success: false, duration: clock.now - start, metrics: metrics, failure: error.description, steps: steps)
        }
    }
}

/// One blocking echo exchange over a ping socket, run on NIO's thread pool. Unprivileged
/// `SOCK_DGRAM` ICMP sockets come first; raw sockets (needing CAP_NET_RAW) are the fallback.
struct ICMPEcho: Sendable {
    var ip: String
    var ipProtocol: ProbeIPProtocol
    var config: ICMPProbeConfiguration
    var timeout: Duration

    struct Failure: Error, Sendable, CustomStringConvertible {
        var description: String
    }

    struct Reply: Sendable {
        var setup: Duration
        var roundTrip: Duration
    }

    func run() throws(Failure) -> Reply {
        let clock = ContinuousClock()
        let start = clock.now
        let isV4 = ipProtocol == .ip4
        let family = isV4 ? AF_INET : AF_INET6
        let proto = Int32(isV4 ? IPPROTO_ICMP : IPPROTO_ICMPV6)
        var raw = false
        var fd = socket(family, Int32(SOCK_DGRAM.rawValue), proto)
        if fd < 0 {
            raw = true
            fd = socket(family, Int32(SOCK_RAW.rawValue), proto)
        }
        guard fd >= 0 else {
            let code = errno
            if code == EPERM || code == EACCES {
                throw Failure(
                    description:
                        "ICMP needs CAP_NET_RAW or net.ipv4.ping_group_range including this group (gid \(getgid())): \(String(cString: strerror(code)))"
                )
            }
            throw Failure(description: "opening an ICMP socket: \(String(cString: strerror(code)))")
        }
        defer { close(fd) }
        try configure(fd, isV4: isV4)

        let identifier = UInt16.random(in: 1...UInt16.max)
        let sequence = UInt16.random(in: 1...UInt16.max)
        let payload =
            config.payloadSize == 0
            ? Array("Prometheus Blackbox Exporter".utf8) : (0..<config.payloadSize).map { UInt8(truncatingIfNeeded: $0) }
        var packet: [UInt8] = [
            isV4 ? 8 : 128, 0, 0, 0, UInt8(identifier >> 8), UInt8(identifier & 0xff), UInt8(sequence >> 8), UInt8(sequence & 0xff),
        ]
        packet += payload
        if isV4 {
            // The kernel fills in ICMPv6 checksums, but not ICMPv4 ones on raw sockets.
            let sum = Self.checksum(packet)
            packet[2] = UInt8(sum >> 8)
            packet[3] = UInt8(sum & 0xff)
        }
        let setup = clock.now - start
        let sent = clock.now
        let written = try withDestination { address, length in sendto(fd, packet, packet.count, 0, address, length) }
        guard written == packet.count else { throw Failure(description: "sending echo request to \(ip): \(String(cString: strerror(errno)))") }

        let deadline = sent + timeout
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let left = deadline - clock.now
            guard left > .zero else { throw Failure(description: "timeout after \(timeout.prometheusString) waiting for echo reply from \(ip)") }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            // poll takes an Int32 of milliseconds (24 days); a longer timeout waits in turns.
            let ready = poll(&poller, 1, Int32(clamping: max(1, left.milliseconds)))
            if ready < 0 && errno != EINTR { throw Failure(description: "waiting for echo reply: \(String(cString: strerror(errno)))") }
            guard ready > 0 else { continue }
            let count = recv(fd, &buffer, buffer.count, 0)
            guard count > 0 else { continue }
            var reply = buffer[0..<count]
            // Raw IPv4 sockets hand over the IP header too.
            if raw && isV4 {
                let headerLength = Int(reply.first.map { $0 & 0x0f } ?? 5) * 4
                guard reply.count > headerLength else { continue }
                reply = reply.dropFirst(headerLength)
            }
            guard reply.count >= 8 else { continue }
            let base = reply.startIndex
            let type = reply[base]
            let replySequence = UInt16(reply[base + 6]) << 8 | UInt16(reply[base + 7])
            let replyIdentifier = UInt16(reply[base + 4]) << 8 | UInt16(reply[base + 5])
            // Ping sockets rewrite the identifier to the socket's port, so only raw sockets check it.
            guard type == (isV4 ? 0 : 129), replySequence == sequence, !raw || replyIdentifier == identifier,
                Array(reply.dropFirst(8)) == payload
            else { continue }
            return Reply(setup: setup, roundTrip: clock.now - sent)
        }
    }

    private func configure(_ fd: Int32, isV4: Bool) throws(Failure) {
        var ttl = Int32(config.ttl)
        if config.ttl > 0 {
            let level = isV4 ? Int32(IPPROTO_IP) : Int32(IPPROTO_IPV6)
            let option = isV4 ? IP_TTL : IPV6_UNICAST_HOPS
            if setsockopt(fd, level, option, &ttl, socklen_t(MemoryLayout<Int32>.size)) != 0 {
                throw Failure(description: "setting ttl \(config.ttl): \(String(cString: strerror(errno)))")
            }
        }
        #if os(Linux)
            if config.dontFragment && isV4 {
                var discover = Int32(IP_PMTUDISC_DO)
                if setsockopt(fd, Int32(IPPROTO_IP), IP_MTU_DISCOVER, &discover, socklen_t(MemoryLayout<Int32>.size)) != 0 {
                    throw Failure(description: "setting dont_fragment: \(String(cString: strerror(errno)))")
                }
            }
        #endif
        if let source = config.sourceIPAddress {
            let bound = try Self.withSockAddr(source, isV4: isV4) { address, length in bind(fd, address, length) }
            if bound != 0 { throw Failure(description: "binding to source_ip_address \(source): \(String(cString: strerror(errno)))") }
        }
    }

    private func withDestination(_ body: (UnsafePointer<sockaddr>, socklen_t) -> Int) throws(Failure) -> Int {
        try Self.withSockAddr(ip, isV4: ipProtocol == .ip4) { address, length in body(address, length) }
    }

    private static func withSockAddr<T>(_ ip: String, isV4: Bool, _ body: (UnsafePointer<sockaddr>, socklen_t) -> T) throws(Failure) -> T {
        if isV4 {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            guard inet_pton(AF_INET, ip, &address.sin_addr) == 1 else { throw Failure(description: "\(ip) is not an IPv4 address") }
            return withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        guard inet_pton(AF_INET6, ip, &address.sin6_addr) == 1 else { throw Failure(description: "\(ip) is not an IPv6 address") }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
        }
    }

    /// The Internet checksum (RFC 1071).
    static func checksum(_ bytes: [UInt8]) -> UInt16 {
        var sum: UInt32 = 0
        var index = 0
        while index + 1 < bytes.count {
            sum += UInt32(bytes[index]) << 8 | UInt32(bytes[index + 1])
            index += 2
        }
        if index < bytes.count { sum += UInt32(bytes[index]) << 8 }
        while sum >> 16 != 0 { sum = (sum & 0xffff) + (sum >> 16) }
        return ~UInt16(sum)
    }
}
