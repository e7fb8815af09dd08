import NIOCore
import NIOPosix
import OspreyConfig
import OspreyModel

/// Blackbox exporter's `dns` prober: the target is a DNS server (`host[:port]`, port 53 by
/// default) asked the module's one question. Succeeds when the response code is a valid one and
/// every section passes its regex rules.
public struct DNSProber: Sendable {
    public let config: DNSProbeConfiguration
    public let timeout: Duration

    public init(_ config: DNSProbeConfiguration, timeout: Duration) {
        self.config = config
        self.timeout = timeout
    }

    struct Failure: Error, Sendable, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    public func probe(_ target: String) async -> ProbeResult {
        let clock = ContinuousClock()
        let start = clock.now
        var metrics: [ProbeMetric] = []
        var steps: [String] = []
        func set(_ name: String, _ value: Double, _ help: String, labels: Labels = Labels()) {
            metrics.removeAll { $0.name == name && $0.labels == labels }
            metrics.append(ProbeMetric(name: name, labels: labels, value: value, help: help))
        }
        set("probe_dns_query_succeeded", 0, "Displays whether or not the query was executed successfully")
        do throws(Failure) {
            guard let (host, port) = ProbeTargetAddress.split(target, defaultPort: 53) else {
                throw Failure("target \"\(target)\" is not host[:port]")
            }
            let resolver = ProbeTargetResolver(preferred: config.preferredIPProtocol, fallback: config.ipProtocolFallback)
            let resolution: ProbeTargetResolver.Resolution
            do { resolution = try await resolver.resolve(host: host, port: port) } catch { throw Failure(error.description) }
            set("probe_dns_lookup_time_seconds", resolution.lookupTime.seconds, "Returns the time taken for probe dns lookup in seconds")
            set("probe_ip_protocol", Double(resolution.ipProtocol.number), "Specifies whether probe ip protocol is IP4 or IP6")
            set(
                "probe_ip_addr_hash", ProbeTargetAddress.hash(resolution.ip),
                "Specifies the hash of IP address. It's useful to detect if the IP address changes.")

            let question = config.queryName.hasSuffix(".") ? config.queryName : config.queryName + "."
            let id = UInt16.random(in: 0...UInt16.max)
            let query = DNSMessage.query(
                id: id, name: question, type: DNSProbeConfiguration.queryTypes[config.queryType] ?? 255,
                rrClass: DNSProbeConfiguration.queryClasses[config.queryClass] ?? 1, recursionDesired: config.recursionDesired)
            steps.append("asking \(resolution.ip):\(port) over \(config.transportProtocol.rawValue) for \(question) \(config.queryType)")
            let requestStart = clock.now
            let response = try await exchange(query, id: id, with: resolution.address)
            set(
                "probe_dns_duration_seconds", (clock.now - requestStart).seconds, "Duration of DNS request by phase",
                labels: Labels(["phase": "request"]))
            set("probe_dns_query_succeeded", 1, "Displays whether or not the query was executed successfully")
            set("probe_dns_answer_rrs", Double(response.answers.count), "Returns number of entries in the answer resource record list")
            set("probe_dns_authority_rrs", Double(response.authorities.count), "Returns number of entries in the authority resource record list")
            set("probe_dns_additional_rrs", Double(response.additionals.count), "Returns number of entries in the additional resource record list")
            if let serial = (response.answers + response.authorities).lazy.compactMap(\.serial).first {
                set("probe_dns_serial", Double(serial), "Returns the serial number of the zone")
            }
            let rcode = DNSProbeTypeNames.rcodes[response.rcode] ?? "RCODE\(response.rcode)"
            steps.append("response \(rcode) with \(response.answers.count) answer(s)")
            guard config.validRcodes.contains(rcode) else {
                throw Failure("response code \(rcode) is not one of valid_rcodes (\(config.validRcodes.joined(separator: ", ")))")
            }
            for (section, rules, records) in [
                ("answer", config.validateAnswerRRs, response.answers),
                ("authority", config.validateAuthorityRRs, response.authorities),
                ("additional", config.validateAdditionalRRs, response.additionals),
            ] {
                let violation: String?
                do { violation = try rules.violation(of: records.map(\.text)) } catch { throw Failure("invalid regex: \(error)") }
                if let violation { throw Failure("\(section) section: \(violation)") }
            }
            return ProbeResult(success: true, duration: clock.now - start, metrics: metrics, steps: steps)
        } catch {
            steps.append("failed: \(error.description)")
            return ProbeResult(success: false, duration: clock.now - start, metrics: metrics, failure: error.description, steps: steps)
        }
    }

    /// Sends the query and waits for the response carrying its id, racing the module's timeout.
    private func exchange(_ query: [UInt8], id: UInt16, with server: SocketAddress) async throws(Failure) -> DNSMessage {
        let timeout = self.timeout
        let transport = config.transportProtocol
        let source = config.sourceIPAddress
        let outcome: Result<DNSMessage, Failure> = await withTaskGroup(of: Result<DNSMessage, Failure>?.self) { group in
            group.addTask {
                do {
                    switch transport {
                    case .udp: return .success(try await Self.overUDP(query, id: id, server: server, source: source))
                    case .tcp: return .success(try await Self.overTCP(query, id: id, server: server, source: source))
                    }
                } catch let failure as Failure {
                    return .failure(failure)
                } catch {
                    return .failure(Failure(TCPConversation.describe(error, address: server)))
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return Task.isCancelled ? nil : .failure(Failure("timeout after \(timeout.prometheusString) waiting for \(server)"))
            }
            var first: Result<DNSMessage, Failure>?
            while first == nil, let next = await group.next() { first = next }
            group.cancelAll()
            return first ?? .failure(Failure("probe cancelled"))
        }
        return try outcome.get()
    }

    private static func overUDP(_ query: [UInt8], id: UInt16, server: SocketAddress, source: String?) async throws -> DNSMessage {
        let local =
            try source.map { try SocketAddress(ipAddress: $0, port: 0) }
            ?? SocketAddress(ipAddress: server.protocol == .inet ? "0.0.0.0" : "::", port: 0)
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(to: local) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>(
                        wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(AddressedEnvelope(remoteAddress: server, data: ByteBuffer(bytes: query)))
            for try await envelope in inbound {
                // Stray or spoofed datagrams are skipped, as a resolver would.
                var data = envelope.data
                let bytes = data.readBytes(length: data.readableBytes) ?? []
                guard let response = try? DNSMessage(parsing: bytes), response.id == id else { continue }
                return response
            }
            throw Failure("socket closed before a response came")
        }
    }

    private static func overTCP(_ query: [UInt8], id: UInt16, server: SocketAddress, source: String?) async throws -> DNSMessage {
        var bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        if let source { bootstrap = bootstrap.bind(to: try SocketAddress(ipAddress: source, port: 0)) }
        let channel = try await bootstrap.connect(to: server) { channel in
            channel.eventLoop.makeCompletedFuture {
                try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
            }
        }
        return try await channel.executeThenClose { inbound, outbound in
            // Over TCP every message is preceded by its length (RFC 1035 4.2.2).
            try await outbound.write(ByteBuffer(bytes: [UInt8(query.count >> 8), UInt8(query.count & 0xff)] + query))
            var pending: [UInt8] = []
            for try await var buffer in inbound {
                pending += buffer.readBytes(length: buffer.readableBytes) ?? []
                if pending.count >= 2 {
                    let length = Int(pending[0]) << 8 | Int(pending[1])
                    if pending.count >= 2 + length {
                        let response = try DNSMessage(parsing: Array(pending[2..<(2 + length)]))
                        guard response.id == id else { throw Failure("response id \(response.id) does not match query id \(id)") }
                        return response
                    }
                }
            }
            throw Failure("connection closed before a whole response came")
        }
    }
}
