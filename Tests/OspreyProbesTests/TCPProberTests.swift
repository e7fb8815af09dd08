import NIOCore
import NIOPosix
import NIOSSL
import OspreyConfig
import OspreyTestSupport
import Testing

@testable import OspreyProbes

/// The TCP prober against a real server on a free port that greets like an SSH daemon.
@Suite struct TCPProberTests {
    /// Accepts connections, sends `banner`, and keeps them open until the test ends.
    private func withBannerServer(_ banner: String, _ body: (Int) async throws -> Void) async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.addHandler(TCPBannerHandler(banner: banner, closeAfter: false))
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(server.localAddress?.port)
        do {
            try await body(port)
        } catch {
            try? await server.close()
            throw error
        }
        try await server.close()
    }

    private func metric(_ result: ProbeResult, _ name: String) -> Double? {
        result.metrics.first { $0.name == name }?.value
    }

    @Test func aMatchingBannerSucceeds() async throws {
        try await withBannerServer("SSH-2.0-OpenSSH_9.2\r\n") { port in
            let config = TCPProbeConfiguration(
                queryResponse: [TCPQueryResponse(expect: "^SSH-2.0-"), TCPQueryResponse(send: "SSH-2.0-osprey")],
                preferredIPProtocol: .ip4)
            let result = await TCPProber(config, timeout: generousProbeTimeout).probe("127.0.0.1:\(port)")
            #expect(result.success, "\(result.failure ?? "")")
            #expect(metric(result, "probe_failed_due_to_regex") == 0)
            #expect(metric(result, "probe_ip_protocol") == 4)
            #expect(metric(result, "probe_ip_addr_hash") != nil)
        }
    }

    @Test func aBannerThatDoesNotMatchFailsDueToRegex() async throws {
        try await withBannerServer("SSH-1.99-Old\r\n") { port in
            let config = TCPProbeConfiguration(queryResponse: [TCPQueryResponse(expect: "^SSH-2.0-")])
            let result = await TCPProber(config, timeout: .milliseconds(500)).probe("127.0.0.1:\(port)")
            #expect(!result.success)
            // The server keeps the connection open, so the probe waits out its timeout.
            #expect(result.failure?.contains("timeout after") == true, "\(result.failure ?? "")")
        }
    }

    @Test func aBannerThatDoesNotMatchBeforeCloseFailsDueToRegex() async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.pipeline.addHandler(TCPBannerHandler(banner: "SSH-1.99-Old\r\n", closeAfter: true))
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(server.localAddress?.port)
        let config = TCPProbeConfiguration(queryResponse: [TCPQueryResponse(expect: "^SSH-2.0-")])
        let result = await TCPProber(config, timeout: generousProbeTimeout).probe("127.0.0.1:\(port)")
        try await server.close()
        #expect(!result.success)
        #expect(metric(result, "probe_failed_due_to_regex") == 1)
        #expect(result.failure?.contains("expected regex \"^SSH-2.0-\"") == true, "\(result.failure ?? "")")
    }

    /// `starttls` in a `query_response` step upgrades the conversation, as for SMTP, and the
    /// certificate it then shows is reported.
    @Test func startTLSUpgradesTheConversationMidway() async throws {
        let certificate = try NIOSSLCertificate(bytes: Array(HTTPSProbeTestServer.certificatePEM.utf8), format: .pem)
        let key = try NIOSSLPrivateKey(bytes: Array(HTTPSProbeTestServer.keyPEM.utf8), format: .pem)
        let tls = try NIOSSLContext(
            configuration: .makeServerConfiguration(certificateChain: [.certificate(certificate)], privateKey: .privateKey(key)))
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(StartTLSServerHandler(tls: tls)) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        defer { server.close(promise: nil) }
        let port = try #require(server.localAddress?.port)
        let folder = try TemporaryFolder()
        try HTTPSProbeTestServer.certificatePEM.write(toFile: folder.path + "/ca.pem", atomically: true, encoding: .utf8)
        let config = TCPProbeConfiguration(
            queryResponse: [
                TCPQueryResponse(expect: "^220 ready"), TCPQueryResponse(send: "STARTTLS"),
                TCPQueryResponse(expect: "^220 go ahead", startTLS: true), TCPQueryResponse(send: "PING"),
                TCPQueryResponse(expect: "^250 secure"),
            ],
            tlsConfig: TLSConfiguration(caFile: folder.path + "/ca.pem", serverName: "localhost"))
        let result = await TCPProber(config, timeout: generousProbeTimeout).probe("127.0.0.1:\(port)")
        #expect(result.success, "\(result.failure ?? "") \(result.steps)")
        #expect(metric(result, "probe_ssl_earliest_cert_expiry") == HTTPSProbeTestServer.expiry)
        #expect(metric(result, "probe_ssl_last_chain_expiry_timestamp_seconds") == HTTPSProbeTestServer.expiry)
        #expect(result.metrics.first { $0.name == "probe_tls_version_info" }?.labels["version"] == "TLS 1.3")

        // The same conversation without trusting the certificate fails at the handshake.
        let untrusted = TCPProbeConfiguration(queryResponse: config.queryResponse)
        let refused = await TCPProber(untrusted, timeout: generousProbeTimeout).probe("127.0.0.1:\(port)")
        #expect(!refused.success)
        #expect(refused.failure?.contains("TLS handshake failed") == true, "\(refused.failure ?? "")")
    }

    @Test func aClosedPortIsConnectionRefused() async throws {
        // Bind and close to get a port nothing listens on.
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(server.localAddress?.port)
        try await server.close()
        let result = await TCPProber(TCPProbeConfiguration(), timeout: generousProbeTimeout).probe("127.0.0.1:\(port)")
        #expect(!result.success)
        #expect(result.failure?.contains("connection refused") == true, "\(result.failure ?? "")")
    }

    @Test func aTargetWithoutPortIsRefusedInWords() async {
        let result = await TCPProber(TCPProbeConfiguration(), timeout: .seconds(1)).probe("localhost")
        #expect(!result.success)
        #expect(result.failure?.contains("host:port") == true)
    }
}
