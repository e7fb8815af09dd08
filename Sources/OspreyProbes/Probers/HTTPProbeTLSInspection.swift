import NIOCore
import NIOPosix
import NIOSSL

/// The TLS facts of an https target. AsyncHTTPClient shows neither the peer's certificates nor
/// its handshake apart from the connection, so this makes its own handshake with the same
/// server and reads them as they are presented. It only looks: the request itself, made by the
/// client with the module's verification settings, is what passes or fails on trust.
struct HTTPProbeTLSInspection: Sendable {
    var facts: TLSPeerFacts
    /// From the TCP connection being up to the handshake's end: blackbox's `tls` phase.
    var handshake: Duration

    static func inspect(
        host: String, address: String, port: Int, configuration: NIOSSL.TLSConfiguration, serverName: String?
    ) async throws -> HTTPProbeTLSInspection {
        let verified = configuration.certificateVerification != .none
        var looking = configuration
        // A custom verification callback only runs while verification is on.
        looking.certificateVerification = .noHostnameVerification
        let context = try NIOSSLContext(configuration: looking)
        let name = serverName ?? (host.contains(":") || host.allSatisfy { $0.isNumber || $0 == "." } ? nil : host)
        let group = MultiThreadedEventLoopGroup.singleton
        let presented = group.any().makePromise(of: [NIOSSLCertificate].self)
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: group)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let handler = try NIOSSLClientHandler(context: context, serverHostname: name) { chain, verdict in
                            presented.succeed(chain)
                            verdict.succeed(.certificateVerified)
                        }
                        try channel.pipeline.syncOperations.addHandler(handler)
                    }
                }
                .connect(host: address, port: port).get()
        } catch {
            presented.fail(error)
            throw error
        }
        let connected = ContinuousClock.now
        defer { channel.close(promise: nil) }
        channel.closeFuture.whenComplete { _ in presented.fail(ChannelError.ioOnClosedChannel) }
        let chain = try await presented.futureResult.get()
        let version = try? await channel.nioSSL_tlsVersion().get()
        return HTTPProbeTLSInspection(
            facts: TLSPeerFacts(version: version, presented: chain, verified: verified),
            handshake: ContinuousClock.now - connected)
    }
}
