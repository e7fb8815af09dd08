import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import OspreyConfig
import OspreyModel

/// Probes a URL as blackbox exporter's http prober does: resolve, request, follow redirects
/// (counting them), then judge status, version, TLS use, headers and body by the module's rules.
///
/// Phases of `probe_http_duration_seconds`, summed over redirects: `resolve` is the prober's own
/// name lookup; `connect` runs from starting the request until its head is written, less `tls`,
/// the TLS handshake, timed on a handshake of the prober's own with the final server (the HTTP
/// client does not show it apart); `processing` runs to the answer's head; `transfer` to the
/// body's end.
public struct HTTPProber: Sendable {
    public let config: HTTPProbeConfiguration
    public let timeout: Duration

    /// Go's client stops after 10 redirects; blackbox inherits that.
    static let maxRedirects = 10

    public init(_ config: HTTPProbeConfiguration, timeout: Duration) {
        self.config = config
        self.timeout = timeout
    }

    public func probe(_ target: String) async -> ProbeResult {
        let start = ContinuousClock.now
        let progress = HTTPProbeProgress()
        let outcome = await HTTPProbeDeadline.run(within: timeout) { await run(target, progress: progress) }
        // A probe that times out still reports what it got to, as blackbox does (the address it resolved).
        var report = outcome ?? progress.report
        if outcome == nil { report.fail(Task.isCancelled ? "probe cancelled" : "timeout after \(timeout.prometheusString)") }
        return ProbeResult(
            success: report.failure == nil, duration: ContinuousClock.now - start, metrics: report.metrics,
            failure: report.failure, steps: report.steps)
    }

    private func run(_ target: String, progress: HTTPProbeProgress) async -> HTTPProbeReport {
        var report = HTTPProbeReport()
        let text = target.contains("://") ? target : "http://" + target
        guard var url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            url.host != nil
        else {
            report.fail("invalid target \"\(target)\": not an http or https URL")
            return report
        }
        let client: HTTPClient
        do {
            client = try makeClient()
        } catch {
            report.fail("tls_config: \(error)")
            return report
        }
        var method = HTTPMethod(rawValue: config.method)
        var body = config.body
        var redirects = 0
        var scope = HTTPProbeCredentialScope(first: url)
        while true {
            guard
                let hop = await exchange(
                    url, method: method, body: body, credentials: scope, client: client, report: &report, progress: progress)
            else { break }
            let status = Int(hop.head.status.code)
            if config.followRedirects, (300...399).contains(status), status != 304,
                let location = hop.head.headers.first(name: "Location"),
                let next = URL(string: location, relativeTo: url)?.absoluteURL
            {
                guard redirects < Self.maxRedirects else {
                    report.fail("stopped after \(Self.maxRedirects) redirects")
                    break
                }
                redirects += 1
                report.redirects = redirects
                report.steps.append("redirected (\(status)) to \(next.absoluteString)")
                if [301, 302, 303].contains(status), method != .GET, method != .HEAD {
                    method = .GET
                    body = nil
                }
                url = next
                let wasWithheld = scope.withheld
                scope.follow(to: next)
                if scope.withheld, !wasWithheld, sendsCredentials {
                    report.steps.append("not sending the module's credentials and headers to \(next.host ?? "another host") or beyond")
                }
                continue
            }
            judge(hop, url: url, report: &report)
            if url.scheme?.lowercased() == "https" { await inspectTLS(url, report: &report) }
            break
        }
        try? await client.shutdown()
        return report
    }

    /// One request without following redirects; nil (with the failure in `report`) when no answer came.
    private func exchange(
        _ url: URL, method: HTTPMethod, body: String?, credentials: HTTPProbeCredentialScope, client: HTTPClient,
        report: inout HTTPProbeReport, progress: HTTPProbeProgress
    ) async -> HTTPProbeExchange.Response? {
        guard let host = url.host else {
            report.fail("redirect to \(url.absoluteString) has no host")
            return nil
        }
        let resolver = ProbeTargetResolver(preferred: config.preferredIPProtocol, fallback: config.ipProtocolFallback)
        let resolved: ProbeTargetResolver.Resolution
        do {
            resolved = try await resolver.resolve(host: host, port: url.port ?? (url.scheme?.lowercased() == "https" ? 443 : 80))
        } catch {
            report.fail(error.description)
            return nil
        }
        report.add(.resolve, resolved.lookupTime)
        if report.lookupTime == nil { report.lookupTime = resolved.lookupTime }
        report.address = resolved
        report.steps.append("resolved \(host) to \(resolved.ip)")
        progress.record(report)

        var headers = HTTPHeaders()
        headers.add(name: "User-Agent", value: "Osprey")
        var requestURL = url.absoluteString
        // Plain http goes to the address looked up above, so the reported address and protocol
        // are the ones used; https keeps the name, which the certificate check needs.
        if url.scheme?.lowercased() == "http", var parts = URLComponents(url: url, resolvingAgainstBaseURL: true) {
            parts.host = resolved.ip.contains(":") ? "[\(resolved.ip)]" : resolved.ip
            if let rewritten = parts.string {
                requestURL = rewritten
                let name = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
                headers.replaceOrAdd(name: "Host", value: url.port.map { "\(name):\($0)" } ?? name)
            }
        }
        if !credentials.withheld {
            // A redirect that dropped the body (a POST turned GET) drops the headers that described it, as Go's client does.
            let bodyHeaders: Set<String> = ["content-encoding", "content-language", "content-location", "content-type"]
            let droppedBody = body == nil && config.body != nil
            for (name, value) in config.headers where !(droppedBody && bodyHeaders.contains(name.lowercased())) {
                headers.replaceOrAdd(name: name, value: value)
            }
            do {
                if let authorization = try HTTPProbeCredentials.header(basicAuth: config.basicAuth, authorization: config.authorization) {
                    headers.replaceOrAdd(name: "Authorization", value: authorization)
                }
            } catch {
                report.fail(error.description)
                return nil
            }
        }

        let started = ContinuousClock.now
        do {
            let request = try HTTPClient.Request(url: requestURL, method: method, headers: headers, body: body.map { .string($0) })
            let task = client.execute(
                request: request, delegate: HTTPProbeExchange(bodyLimit: config.bodySizeLimit),
                deadline: .now() + .nanoseconds(Int64(timeout.nanoseconds)))
            let response = try await withTaskCancellationHandler {
                try await task.futureResult.get()
            } onCancel: {
                task.cancel()
            }
            report.add(.connect, response.sentHead - started)
            report.add(.processing, response.receivedHead - response.sentHead)
            report.add(.transfer, response.finished - response.receivedHead)
            report.steps.append("\(method.rawValue) \(url.absoluteString): \(response.head.status.code)")
            return response
        } catch {
            report.add(.connect, ContinuousClock.now - started)
            report.fail(HTTPProbeFailure.describe(error, timeout: timeout))
            return nil
        }
    }

    /// The final answer against the module's rules; the first broken rule is the failure.
    private func judge(_ response: HTTPProbeExchange.Response, url: URL, report: inout HTTPProbeReport) {
        let head = response.head
        let status = Int(head.status.code)
        let isSSL = url.scheme?.lowercased() == "https"
        report.statusCode = status
        report.contentLength = head.headers.first(name: "Content-Length").flatMap(Int.init) ?? -1
        report.bodyLength = response.body.count
        report.version = Double(head.version.major) + Double(head.version.minor) / 10
        report.ssl = isSSL
        report.lastModified = head.headers.first(name: "Last-Modified").flatMap(HTTPDate.unixSeconds)

        if !config.isValidStatus(status) {
            let valid = config.validStatusCodes.isEmpty ? "2xx" : config.validStatusCodes.map(String.init).joined(separator: ", ")
            report.fail("status code \(status) not in valid_status_codes [\(valid)]")
            return
        }
        let version = "HTTP/\(head.version.major).\(head.version.minor)"
        if !config.validHTTPVersions.isEmpty,
            !config.validHTTPVersions.contains(where: { HTTPProbeFailure.sameVersion($0, version) })
        {
            report.fail("HTTP version \(version) not in valid_http_versions \(config.validHTTPVersions)")
            return
        }
        if config.failIfSSL, isSSL {
            report.fail("final request was over SSL (fail_if_ssl)")
            return
        }
        if config.failIfNotSSL, !isSSL {
            report.fail("final request was not over SSL (fail_if_not_ssl)")
            return
        }
        if let broken = HTTPProbeRules.firstBroken(config, headers: head.headers, body: response.body) {
            report.failedDueToRegex = true
            report.fail(broken)
        }
    }

    /// The TLS facts of the final https answer's server, and the handshake's share of the
    /// connect phase, timed on the prober's own handshake with that server (the HTTP client
    /// does not show it apart). A failed look leaves the metrics out rather than failing a probe
    /// whose request succeeded.
    private func inspectTLS(_ url: URL, report: inout HTTPProbeReport) async {
        guard let host = url.host, let address = report.address?.ip,
            let tls = try? HTTPProbeCredentials.tls(config.tlsConfig)
        else { return }
        do {
            let inspection = try await HTTPProbeTLSInspection.inspect(
                host: host, address: address, port: url.port ?? 443, configuration: tls, serverName: config.tlsConfig.serverName)
            report.tls = inspection.facts
            let handshake = min(inspection.handshake, report.phases[.connect] ?? .zero)
            report.phases[.connect, default: .zero] -= handshake
            report.add(.tls, handshake)
        } catch {
            report.steps.append("could not read the TLS certificate: \(error)")
        }
    }

    private var sendsCredentials: Bool { config.basicAuth != nil || config.authorization != nil || !config.headers.isEmpty }

    private func makeClient() throws -> HTTPClient {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.tlsConfiguration = try HTTPProbeCredentials.tls(config.tlsConfig)
        configuration.connectionPool = .init(idleTimeout: .seconds(1))
        // One attempt, as blackbox makes: the client's retries would turn a refused port into a timeout.
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }
}
