import NIOCore
import NIOPosix
import OspreyConfig
import OspreyModel
import OspreyProbes
import Testing

/// The http prober against real loopback servers: blackbox's metrics and its success rules.
@Suite struct HTTPProberTests {
    private func value(_ result: ProbeResult, _ name: String, phase: String? = nil) -> Double? {
        result.metrics.first { $0.name == name && (phase == nil || $0.labels["phase"] == phase) }?.value
    }

    @Test func aHealthyPageSucceedsWithBlackboxMetrics() async throws {
        let server = try await HTTPProbeTestServer.start()
        defer { server.stop() }
        let result = await HTTPProber(HTTPProbeConfiguration(), timeout: generousProbeTimeout).probe("127.0.0.1:\(server.port)/ok")
        #expect(result.success, "\(result.failure ?? "")")
        #expect(result.failure == nil)
        #expect(value(result, "probe_http_status_code") == 200)
        #expect(value(result, "probe_http_uncompressed_body_length") == 11)
        #expect(value(result, "probe_http_content_length") == 11)
        #expect(value(result, "probe_http_redirects") == 0)
        #expect(value(result, "probe_http_ssl") == 0)
        #expect(value(result, "probe_http_version") == 1.1)
        #expect(value(result, "probe_ip_protocol") == 4)
        #expect(value(result, "probe_failed_due_to_regex") == 0)
        let names = Set(result.metrics.map(\.name))
        for name in [
            "probe_dns_lookup_time_seconds", "probe_ip_addr_hash", "probe_http_duration_seconds",
        ] {
            #expect(names.contains(name))
        }
        let phases = ["resolve", "connect", "tls", "processing", "transfer"].compactMap {
            value(result, "probe_http_duration_seconds", phase: $0)
        }
        #expect(phases.count == 5)
        #expect(phases.allSatisfy { $0 >= 0 })
        #expect(phases.reduce(0, +) <= result.duration.seconds + 0.001)
        #expect(result.metrics.allSatisfy { !$0.help.isEmpty })
    }

    @Test func aServerErrorFailsWithTheReason() async throws {
        let server = try await HTTPProbeTestServer.start()
        defer { server.stop() }
        let result = await HTTPProber(HTTPProbeConfiguration(), timeout: generousProbeTimeout).probe(server.base + "/broken")
        #expect(!result.success)
        #expect(result.failure == "status code 500 not in valid_status_codes [2xx]")
        #expect(value(result, "probe_http_status_code") == 500)
    }

    @Test func aSlowAnswerTimesOutWithinTheBound() async throws {
        let server = try await HTTPProbeTestServer.start()
        defer { server.stop() }
        let clock = ContinuousClock()
        let start = clock.now
        let result = await HTTPProber(HTTPProbeConfiguration(), timeout: .seconds(1)).probe(server.base + "/slow")
        // The answer comes after a minute: a failure by timeout well before it means the probe did not
        // wait for it. (The elapsed time is only bounded loosely: a loaded machine delays the timer too.)
        #expect(!result.success)
        #expect(result.failure == "timeout after 1s")
        #expect(clock.now - start < HTTPProbeTestServer.slowAnswerDelay / 2)
    }

    /// Blackbox 0.23 reports the final answer's `Last-Modified`, and leaves the metric out without one.
    @Test func lastModifiedIsReportedInUnixSeconds() async throws {
        let server = try await HTTPProbeTestServer.start()
        defer { server.stop() }
        let dated = await HTTPProber(HTTPProbeConfiguration(), timeout: generousProbeTimeout).probe(server.base + "/dated")
        #expect(dated.success, "\(dated.failure ?? "")")
        #expect(value(dated, "probe_http_last_modified_timestamp_seconds") == 784_111_777)
        let undated = await HTTPProber(HTTPProbeConfiguration(), timeout: generousProbeTimeout).probe(server.base + "/ok")
        #expect(undated.success, "\(undated.failure ?? "")")
        #expect(value(undated, "probe_http_last_modified_timestamp_seconds") == nil)
    }

    @Test func redirectsAreFollowedAndCounted() async throws {
        let server = try await HTTPProbeTestServer.start()
        defer { server.stop() }
        let result = await HTTPProber(HTTPProbeConfiguration(), timeout: generousProbeTimeout).probe(server.base + "/moved")
        #expect(result.success, "\(result.failure ?? "")")
        #expect(value(result, "probe_http_redirects") == 1)
        #expect(value(result, "probe_http_status_code") == 200)
    }

    @Test func withoutFollowingARedirectIsInvalidUnlessListed() async throws {
        let server = try await HTTPProbeTestServer.start()
        defer { server.stop() }
        let refused = await HTTPProber(HTTPProbeConfiguration(followRedirects: false), timeout: generousProbeTimeout)
            .probe(server.base + "/moved")
        #expect(!refused.success)
        #expect(refused.failure == "status code 302 not in valid_status_codes [2xx]")
        #expect(value(refused, "probe_http_redirects") == 0)
        let allowed = await HTTPProber(HTTPProbeConfiguration(validStatusCodes: [302], followRedirects: false), timeout: generousProbeTimeout)
            .probe(server.base + "/moved")
        #expect(allowed.success, "\(allowed.failure ?? "")")
    }

    @Test func bodyRulesFailWithFailedDueToRegex() async throws {
        let server = try await HTTPProbeTestServer.start()
        defer { server.stop() }
        let matched = await HTTPProber(HTTPProbeConfiguration(failIfBodyMatchesRegexp: ["is w.ll"]), timeout: generousProbeTimeout)
            .probe(server.base + "/ok")
        #expect(!matched.success)
        #expect(matched.failure == "body matched regular expression \"is w.ll\"")
        #expect(value(matched, "probe_failed_due_to_regex") == 1)

        let missing = await HTTPProber(HTTPProbeConfiguration(failIfBodyNotMatchesRegexp: ["database"]), timeout: generousProbeTimeout)
            .probe(server.base + "/ok")
        #expect(!missing.success)
        #expect(missing.failure == "body did not match regular expression \"database\"")
        #expect(value(missing, "probe_failed_due_to_regex") == 1)

        let kept = await HTTPProber(HTTPProbeConfiguration(failIfBodyNotMatchesRegexp: ["^all"]), timeout: generousProbeTimeout)
            .probe(server.base + "/ok")
        #expect(kept.success, "\(kept.failure ?? "")")
        #expect(value(kept, "probe_failed_due_to_regex") == 0)
    }

    @Test func methodAndBodyAreSent() async throws {
        let server = try await HTTPProbeTestServer.start()
        defer { server.stop() }
        let config = HTTPProbeConfiguration(method: "POST", body: "ping", failIfBodyNotMatchesRegexp: ["^ping$"])
        let result = await HTTPProber(config, timeout: generousProbeTimeout).probe(server.base + "/echo")
        #expect(result.success, "\(result.failure ?? "")")
    }

    @Test func aClosedPortIsConnectionRefused() async throws {
        let server = try await HTTPProbeTestServer.start()
        let port = server.port
        await server.stopAndWait()
        let result = await HTTPProber(HTTPProbeConfiguration(), timeout: generousProbeTimeout).probe("http://127.0.0.1:\(port)/")
        #expect(!result.success)
        #expect(result.failure == "connection refused")
    }
}

/// The http prober against a loopback https server: TLS metrics and the SSL rules.
@Suite struct HTTPProberTLSTests {
    private let trusting = OspreyConfig.TLSConfiguration(insecureSkipVerify: true)

    @Test func anHTTPSPageReportsCertificateExpiryTLSVersionAndHandshakeTime() async throws {
        let server = try await HTTPSProbeTestServer.start()
        defer { server.stop() }
        let result = await HTTPProber(HTTPProbeConfiguration(tlsConfig: trusting), timeout: generousProbeTimeout)
            .probe("https://127.0.0.1:\(server.port)/")
        #expect(result.success, "\(result.failure ?? "")")
        #expect(result.metrics.first { $0.name == "probe_http_ssl" }?.value == 1)
        #expect(result.metrics.first { $0.name == "probe_ssl_earliest_cert_expiry" }?.value == HTTPSProbeTestServer.expiry)
        let version = result.metrics.first { $0.name == "probe_tls_version_info" }
        #expect(version?.labels["version"] == "TLS 1.3")
        // The handshake has a phase of its own, as in blackbox, not hidden in `connect`.
        let tls = result.metrics.first { $0.name == "probe_http_duration_seconds" && $0.labels["phase"] == "tls" }
        #expect((tls?.value ?? 0) > 0)
    }

    @Test func sslRulesAreApplied() async throws {
        let server = try await HTTPSProbeTestServer.start()
        defer { server.stop() }
        let result = await HTTPProber(HTTPProbeConfiguration(failIfSSL: true, tlsConfig: trusting), timeout: generousProbeTimeout)
            .probe("https://127.0.0.1:\(server.port)/")
        #expect(!result.success)
        #expect(result.failure == "final request was over SSL (fail_if_ssl)")

        let plain = try await HTTPProbeTestServer.start()
        defer { plain.stop() }
        let notSSL = await HTTPProber(HTTPProbeConfiguration(failIfNotSSL: true), timeout: generousProbeTimeout).probe(plain.base + "/ok")
        #expect(notSSL.failure == "final request was not over SSL (fail_if_not_ssl)")
    }
}

/// Header rules, credentials and version rules of the http prober.
@Suite struct HTTPProberRuleTests {
    @Test func headerRulesFailWithFailedDueToRegex() async throws {
        let server = try await HTTPProbeTestServer.start()
        defer { server.stop() }
        let matched = await HTTPProber(
            HTTPProbeConfiguration(failIfHeaderMatches: [ProbeHeaderMatch(header: "Set-Cookie", regexp: "session=")]),
            timeout: generousProbeTimeout
        ).probe(server.base + "/cookie")
        #expect(matched.failure == "header Set-Cookie matched regular expression \"session=\"")
        #expect(matched.metrics.first { $0.name == "probe_failed_due_to_regex" }?.value == 1)

        let missing = await HTTPProber(
            HTTPProbeConfiguration(failIfHeaderNotMatches: [ProbeHeaderMatch(header: "X-Served-By", regexp: "web")]),
            timeout: generousProbeTimeout
        ).probe(server.base + "/ok")
        #expect(missing.failure == "header X-Served-By is missing")

        let allowed = await HTTPProber(
            HTTPProbeConfiguration(
                failIfHeaderMatches: [ProbeHeaderMatch(header: "X-Served-By", regexp: ".*", allowMissing: true)]),
            timeout: generousProbeTimeout
        ).probe(server.base + "/ok")
        #expect(allowed.success, "\(allowed.failure ?? "")")
    }

    @Test func credentialsAreSent() async throws {
        let server = try await HTTPProbeTestServer.start()
        defer { server.stop() }
        let bearer = await HTTPProber(
            HTTPProbeConfiguration(
                failIfBodyNotMatchesRegexp: ["^Bearer t0ken$"], authorization: Authorization(credentials: "t0ken")),
            timeout: generousProbeTimeout
        ).probe(server.base + "/whoami")
        #expect(bearer.success, "\(bearer.failure ?? "")")
        let basic = await HTTPProber(
            HTTPProbeConfiguration(
                failIfBodyNotMatchesRegexp: ["^Basic dTpw$"], basicAuth: BasicAuth(username: "u", password: "p")),
            timeout: generousProbeTimeout
        ).probe(server.base + "/whoami")
        #expect(basic.success, "\(basic.failure ?? "")")
    }

    @Test func versionRulesAreApplied() async throws {
        let server = try await HTTPProbeTestServer.start()
        defer { server.stop() }
        let refused = await HTTPProber(HTTPProbeConfiguration(validHTTPVersions: ["HTTP/2.0"]), timeout: generousProbeTimeout)
            .probe(server.base + "/ok")
        #expect(refused.failure == "HTTP version HTTP/1.1 not in valid_http_versions [\"HTTP/2.0\"]")
        let kept = await HTTPProber(HTTPProbeConfiguration(validHTTPVersions: ["HTTP/1.1"]), timeout: generousProbeTimeout)
            .probe(server.base + "/ok")
        #expect(kept.success, "\(kept.failure ?? "")")
    }

    @Test func anInvalidTargetSaysSo() async {
        let result = await HTTPProber(HTTPProbeConfiguration(), timeout: .seconds(1)).probe("ftp://example.com/")
        #expect(result.failure == "invalid target \"ftp://example.com/\": not an http or https URL")
    }
}
