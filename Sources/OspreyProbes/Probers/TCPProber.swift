import NIOCore
import NIOPosix
import NIOSSL
import OspreyConfig
import OspreyModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Blackbox exporter's `tcp` prober: connect to `host:port`, optionally over TLS, then run the
/// module's `query_response` conversation. Succeeds when every `expect` matched a line in time.
public struct TCPProber: Sendable {
    public let config: TCPProbeConfiguration
    public let timeout: Duration

    public init(_ config: TCPProbeConfiguration, timeout: Duration) {
        self.config = config
        self.timeout = timeout
    }

    public func probe(_ target: String) async -> ProbeResult {
        let clock = ContinuousClock()
        let start = clock.now
        var report = TCPProbeReport()
        // Blackbox reports it on every tcp probe, query_response or not, even when the connect fails.
        report.set("probe_failed_due_to_regex", 0, help: "Indicates if probe failed due to regex")
        do {
            try await run(target, report: &report)
            return report.result(success: true, duration: clock.now - start)
        } catch {
            report.steps.append("failed: \(error.description)")
            return report.result(success: false, duration: clock.now - start, failure: error.description)
        }
    }

    private func run(_ target: String, report: inout TCPProbeReport) async throws(TCPProbeFailure) {
        guard let (host, port) = ProbeTargetAddress.split(target, defaultPort: nil) else {
            throw TCPProbeFailure("target \"\(target)\" is not host:port")
        }
        let resolver = ProbeTargetResolver(preferred: config.preferredIPProtocol, fallback: config.ipProtocolFallback)
        let resolution: ProbeTargetResolver.Resolution
        do {
            resolution = try await resolver.resolve(host: host, port: port)
        } catch {
            throw TCPProbeFailure(error.description)
        }
        report.set("probe_dns_lookup_time_seconds", resolution.lookupTime.seconds, help: "Returns the time taken for probe dns lookup in seconds")
        report.set("probe_ip_protocol", Double(resolution.ipProtocol.number), help: "Specifies whether probe ip protocol is IP4 or IP6")
        report.set(
            "probe_ip_addr_hash", ProbeTargetAddress.hash(resolution.ip),
            help: "Specifies the hash of IP address. It's useful to detect if the IP address changes.")
        report.steps.append("resolved \(host) to \(resolution.ip)")

        let conversation = TCPConversation(
            config: config, address: resolution.address, serverName: config.tlsConfig.serverName ?? host, timeout: timeout)
        let timeout = self.timeout
        let outcome: Result<TCPConversation.Outcome, TCPProbeFailure> = await withTaskGroup(
            of: Result<TCPConversation.Outcome, TCPProbeFailure>?.self
        ) { group in
            group.addTask { await conversation.run() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return Task.isCancelled ? nil : .failure(TCPProbeFailure("timeout after \(timeout.prometheusString)"))
            }
            var first: Result<TCPConversation.Outcome, TCPProbeFailure>?
            while first == nil, let next = await group.next() { first = next }
            group.cancelAll()
            return first ?? .failure(TCPProbeFailure("probe cancelled"))
        }
        switch outcome {
        case .success(let found):
            report.steps += found.steps
            report.tls = found.tls
            if let regexFailure = found.regexFailure {
                report.set("probe_failed_due_to_regex", 1, help: "Indicates if probe failed due to regex")
                throw TCPProbeFailure(regexFailure)
            }
        case .failure(let failure):
            throw failure
        }
    }
}

/// Why a TCP probe failed, in words.
struct TCPProbeFailure: Error, Sendable, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Metrics and steps gathered as a TCP probe goes.
struct TCPProbeReport {
    var metrics: [String: ProbeMetric] = [:]
    var tls: TLSPeerFacts?
    var steps: [String] = []

    mutating func set(_ name: String, _ value: Double, help: String) {
        metrics[name] = ProbeMetric(name: name, value: value, help: help)
    }

    func result(success: Bool, duration: Duration, failure: String? = nil) -> ProbeResult {
        ProbeResult(
            success: success, duration: duration,
            metrics: metrics.values.sorted { $0.name < $1.name } + (tls?.metrics ?? []), failure: failure, steps: steps)
    }
}
