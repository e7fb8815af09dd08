import Foundation
import NIOCore
import NIOPosix
import OspreyConfig
import OspreyFormats
import OspreyModel
import OspreyProbes
import OspreyTestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The same module against the same target with Osprey's probers and with the real blackbox
/// exporter: both must agree on `probe_success` and report the same metric names. The module
/// file is one blackbox.yml read by both, so pasting a blackbox exporter module file in works.
@Suite(
    .serialized,
    .enabled(if: FileManager.default.isExecutableFile(atPath: BlackboxExporter.binary), "apt-get install prometheus-blackbox-exporter"))
struct BlackboxComparisonTests {
    /// The test server's self-signed certificate as a CA file, for the `http_ca_file` module.
    static let caFile = FileManager.default.temporaryDirectory.appendingPathComponent("osprey-blackbox-test-ca.pem").path

    /// Timeouts are explicit: without a scrape-timeout header blackbox would allow 120s. They are
    /// generous, so a loaded machine fails no probe that should succeed; `http_slow`'s 1 s against
    /// the test server's 3 s sleep cannot pass by accident.
    static let modulesYAML = """
        modules:
          http_ca_file:
            prober: http
            timeout: 10s
            http:
              preferred_ip_protocol: ip4
              tls_config:
                ca_file: \(caFile)
          http_2xx:
            prober: http
            timeout: 10s
            http:
              preferred_ip_protocol: ip4
          http_slow:
            prober: http
            timeout: 1s
            http:
              preferred_ip_protocol: ip4
          http_body_well:
            prober: http
            timeout: 10s
            http:
              preferred_ip_protocol: ip4
              fail_if_body_not_matches_regexp:
                - "all is well"
          http_insecure:
            prober: http
            timeout: 10s
            http:
              preferred_ip_protocol: ip4
              tls_config:
                insecure_skip_verify: true
          tcp_ssh_banner:
            prober: tcp
            timeout: 10s
            tcp:
              preferred_ip_protocol: ip4
              query_response:
                - expect: "^SSH-2.0-"
          tcp_tls_ca_file:
            prober: tcp
            timeout: 10s
            tcp:
              preferred_ip_protocol: ip4
              tls: true
              tls_config:
                ca_file: \(caFile)
          tcp_connect:
            prober: tcp
            timeout: 10s
            tcp:
              preferred_ip_protocol: ip4
          dns_known:
            prober: dns
            timeout: 10s
            dns:
              query_name: example.test
              query_type: A
              preferred_ip_protocol: ip4
          dns_missing:
            prober: dns
            timeout: 10s
            dns:
              query_name: missing.test
              query_type: A
              preferred_ip_protocol: ip4

        """

    @Test(arguments: [
        ("http_2xx", "/ok", true),
        ("http_2xx", "/broken", false),
        ("http_slow", "/slow", false),
        ("http_2xx", "/moved", true),
        ("http_2xx", "/dated", true),
        ("http_body_well", "/ok", true),
        ("http_body_well", "/whoami", false),
    ])
    func anHTTPServer(module: String, path: String, success: Bool) async throws {
        let server = try await HTTPProbeTestServer.start()
        defer { server.stop() }
        try await withBlackbox { blackbox in
            let comparison = try await compare(module, server.base + path, blackbox)
            expectSameOutcome(comparison, success: success)
        }
    }

    /// Blackbox 0.23's `probe_http_last_modified_timestamp_seconds`, the same value from both.
    @Test func theLastModifiedHeaderAsUnixSeconds() async throws {
        let server = try await HTTPProbeTestServer.start()
        defer { server.stop() }
        try await withBlackbox { blackbox in
            let comparison = try await compare("http_2xx", server.base + "/dated", blackbox)
            expectSameOutcome(comparison, success: true)
            let name = "probe_http_last_modified_timestamp_seconds"
            #expect(comparison.blackboxValue(name) != nil, "blackbox:\n\(comparison.blackboxText)")
            #expect(comparison.ospreyValue(name) == comparison.blackboxValue(name))
        }
    }

    @Test func aSelfSignedCertificateFailsByDefaultAndPassesWithItsCAFileOrWhenVerificationIsSkipped() async throws {
        let server = try await HTTPSProbeTestServer.start()
        defer { server.stop() }
        let target = "https://127.0.0.1:\(server.port)/"
        try await withBlackbox { blackbox in
            expectSameOutcome(try await compare("http_2xx", target, blackbox), success: false)
            try HTTPSProbeTestServer.certificatePEM.write(toFile: Self.caFile, atomically: true, encoding: .utf8)
            let trusted = try await compare("http_ca_file", target, blackbox)
            expectSameOutcome(trusted, success: true)
            expectSameTLSFacts(trusted)
            let insecure = try await compare("http_insecure", target, blackbox)
            expectSameOutcome(insecure, success: true)
            expectSameTLSFacts(insecure)
            // Nothing was verified, so both report Go's zero time for the verified chain.
            #expect(insecure.ospreyValue("probe_ssl_last_chain_expiry_timestamp_seconds") == -62_135_596_800)
        }
    }

    /// Subject and issuer are written as Go writes names: attributes in Go's order, repeated ones
    /// joined with `+`, RFC 2253's escapes, and an attribute Go has no name for in hex.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")))
    func certificateNamesAreWrittenAsBlackboxWritesThem() async throws {
        let folder = try TemporaryFolder()
        try await offCooperativePool {
            let openssl = Process()
            openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            openssl.arguments = [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30",
                "-subj", "/C=DE/ST=Berlin/L=Berlin/O=Acme, Inc/OU=Ops/OU=Web/CN=#shop; <web> /emailAddress=ops@example.test",
                "-addext", "subjectAltName=DNS:shop.example.test,DNS:localhost,IP:127.0.0.1",
                "-keyout", folder.path + "/key.pem", "-out", folder.path + "/cert.pem",
            ]
            openssl.standardError = FileHandle.nullDevice
            try openssl.run()
            openssl.waitUntilExit()
            guard openssl.terminationStatus == 0 else { throw TestFailure("openssl req failed") }
        }
        let server = try await HTTPSProbeTestServer.start(
            certificatePEM: try String(contentsOfFile: folder.path + "/cert.pem", encoding: .utf8),
            keyPEM: try String(contentsOfFile: folder.path + "/key.pem", encoding: .utf8))
        defer { server.stop() }
        try await withBlackbox { blackbox in
            let comparison = try await compare("http_insecure", "https://127.0.0.1:\(server.port)/", blackbox)
            expectSameOutcome(comparison, success: true)
            expectSameTLSFacts(comparison)
        }
    }

    @Test func aTCPConnectionOverTLSTrustedThroughItsCAFile() async throws {
        let server = try await HTTPSProbeTestServer.start()
        defer { server.stop() }
        try HTTPSProbeTestServer.certificatePEM.write(toFile: Self.caFile, atomically: true, encoding: .utf8)
        try await withBlackbox { blackbox in
            let comparison = try await compare("tcp_tls_ca_file", "127.0.0.1:\(server.port)", blackbox)
            expectSameOutcome(comparison, success: true)
            expectSameTLSFacts(comparison)
        }
    }

    @Test(arguments: [("SSH-2.0-OpenSSH_9.2\r\n", true), ("SSH-1.99-Old\r\n", false)])
    func aTCPBanner(banner: String, matches: Bool) async throws {
        // A banner that does not match is followed by hanging up, so neither side waits out its timeout.
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.pipeline.addHandler(TCPBannerHandler(banner: banner, closeAfter: !matches))
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(server.localAddress?.port)
        do {
            try await withBlackbox { blackbox in
                expectSameOutcome(try await compare("tcp_ssh_banner", "127.0.0.1:\(port)", blackbox), success: matches)
            }
        } catch {
            try? await server.close()
            throw error
        }
        try await server.close()
    }

    @Test func aClosedPort() async throws {
        let port = try PeerProcess.freePort()
        try await withBlackbox { blackbox in
            expectSameOutcome(try await compare("tcp_connect", "127.0.0.1:\(port)", blackbox), success: false)
        }
    }

    @Test(arguments: [("dns_known", true), ("dns_missing", false)])
    func aDNSQuery(module: String, success: Bool) async throws {
        let server = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { $0.pipeline.addHandler(DNSTestServerHandler()) }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(server.localAddress?.port)
        do {
            try await withBlackbox { blackbox in
                expectSameOutcome(try await compare(module, "127.0.0.1:\(port)", blackbox), success: success)
            }
        } catch {
            try? await server.close()
            throw error
        }
        try await server.close()
    }

    // MARK: - Comparing

    struct Comparison {
        var osprey: ProbeResult
        var blackbox: [MetricFamily]
        var blackboxText: String

        func ospreyValue(_ name: String) -> Double? {
            osprey.allMetrics.first { $0.name == name }?.value
        }

        func blackboxValue(_ name: String) -> Double? {
            blackbox.first { $0.name == name }?.samples.first?.value
        }
    }

    private func compare(_ module: String, _ target: String, _ blackbox: BlackboxExporter) async throws -> Comparison {
        let modules = try StrictYAMLDecoder().decode(ProbeModulesFile.self, from: Self.modulesYAML, file: "blackbox.yml")
        let configuration = try #require(modules.modules[module])
        let osprey = await ProbeRunner.probe(target, module: configuration, timeout: configuration.timeout ?? .seconds(2))
        let text = try await blackbox.probe(module: module, target: target)
        let families = try ExpositionParser.families(from: Array(text.utf8), format: .text)
        return Comparison(osprey: osprey, blackbox: families, blackboxText: text)
    }

    private func expectSameOutcome(_ comparison: Comparison, success: Bool, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(
            comparison.osprey.success == success, "Osprey: \(comparison.osprey.failure ?? "no failure")",
            sourceLocation: sourceLocation)
        #expect(
            comparison.blackboxValue("probe_success") == (success ? 1 : 0), "blackbox:\n\(comparison.blackboxText)",
            sourceLocation: sourceLocation)
        let ospreyNames = Set(comparison.osprey.allMetrics.map(\.name))
        let blackboxNames = Set(comparison.blackbox.map(\.name))
        #expect(
            ospreyNames == blackboxNames,
            "only Osprey: \(ospreyNames.subtracting(blackboxNames).sorted()), only blackbox: \(blackboxNames.subtracting(ospreyNames).sorted())",
            sourceLocation: sourceLocation)
    }

    /// The certificate and handshake as both report them: the leaf's fingerprint, subject, issuer
    /// and DNS names, the expiry times and the TLS version.
    private func expectSameTLSFacts(_ comparison: Comparison, sourceLocation: SourceLocation = #_sourceLocation) {
        for name in ["probe_ssl_last_chain_info", "probe_tls_version_info"] {
            let osprey = comparison.osprey.allMetrics.first { $0.name == name }.map { $0.labels }
            let blackbox = comparison.blackbox.first { $0.name == name }?.samples.first?.labels.removing(Labels.metricName)
            #expect(
                osprey != nil && osprey == blackbox, "\(name): Osprey \(String(describing: osprey)), blackbox \(String(describing: blackbox))",
                sourceLocation: sourceLocation)
        }
        for name in ["probe_ssl_earliest_cert_expiry", "probe_ssl_last_chain_expiry_timestamp_seconds"] {
            let osprey = comparison.ospreyValue(name)
            let blackbox = comparison.blackboxValue(name)
            #expect(osprey != nil && blackbox != nil, "\(name) missing", sourceLocation: sourceLocation)
            if let osprey, let blackbox {
                #expect(abs(osprey - blackbox) <= 1, "\(name): Osprey \(osprey), blackbox \(blackbox)", sourceLocation: sourceLocation)
            }
        }
    }

    private func withBlackbox(_ body: (BlackboxExporter) async throws -> Void) async throws {
        let blackbox = try await BlackboxExporter.start(modulesYAML: Self.modulesYAML)
        do {
            try await body(blackbox)
        } catch {
            try? await blackbox.stop()
            throw error
        }
        try await blackbox.stop()
    }
}

/// Debian's blackbox exporter on a free loopback port with a module file written for it.
struct BlackboxExporter {
    static let binary = "/usr/bin/prometheus-blackbox-exporter"

    let process: PeerProcess
    let port: Int
    let configurationPath: String

    static func start(modulesYAML: String) async throws -> BlackboxExporter {
        let configurationPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("osprey-blackbox-\(UUID().uuidString).yml").path
        try modulesYAML.write(toFile: configurationPath, atomically: true, encoding: .utf8)
        let port = try PeerProcess.freePort()
        let process = try PeerProcess.start(
            binary, ["--config.file=\(configurationPath)", "--web.listen-address=127.0.0.1:\(port)"])
        let exporter = BlackboxExporter(process: process, port: port, configurationPath: configurationPath)
        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline {
            if let healthy = URL(string: "http://127.0.0.1:\(port)/-/healthy"),
                let (status, _) = try? await get(healthy), status == 200
            {
                return exporter
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        try? await exporter.stop()
        throw TestFailure("blackbox exporter did not become healthy:\n\(process.output.text)")
    }

    func probe(module: String, target: String) async throws -> String {
        var components = URLComponents(string: "http://127.0.0.1:\(port)/probe")
        components?.queryItems = [URLQueryItem(name: "module", value: module), URLQueryItem(name: "target", value: target)]
        guard let url = components?.url else { throw TestFailure("no probe URL for \(target)") }
        let (status, body) = try await Self.get(url)
        guard status == 200 else { throw TestFailure("blackbox answered \(status): \(String(decoding: body, as: UTF8.self))") }
        return String(decoding: body, as: UTF8.self)
    }

    func stop() async throws {
        try await process.stop()
        try? FileManager.default.removeItem(atPath: configurationPath)
    }

    private static func get(_ url: URL) async throws -> (Int, Data) {
        try await withCheckedThrowingContinuation { continuation in
            URLSession.shared.dataTask(with: url) { data, response, error in
                if let error {
                    continuation.resume(throwing: error)
                } else {
                    continuation.resume(returning: ((response as? HTTPURLResponse)?.statusCode ?? 0, data ?? Data()))
                }
            }.resume()
        }
    }
}
