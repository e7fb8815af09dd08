import NIOCore
import NIOPosix
import NIOSSL

/// The peer's certificate chain expiry and the TLS version of an https target. AsyncHTTPClient
/// does not show the peer's certificates, so this makes its own TLS handshake and reads them as
/// they are presented. It only looks: the request itself, made by the client with the module's
/// verification settings, is what passes or fails on trust.
struct HTTPProbeTLSInspection: Sendable {
    /// The earliest `notAfter` of the presented chain, in Unix seconds.
    var earliestExpiry: Double?
    var version: String?

    static func inspect(
        host: String, address: String, port: Int, configuration: NIOSSL.TLSConfiguration, serverName: String?
    ) async throws -> HTTPProbeTLSInspection {
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
        defer { channel.close(promise: nil) }
        channel.closeFuture.whenComplete { _ in presented.fail(ChannelError.ioOnClosedChannel) }
        let chain = try await presented.futureResult.get()
        let version = try? await channel.nioSSL_tlsVersion().get()
        return HTTPProbeTLSInspection(
            earliestExpiry: chain.map { Double($0.notValidAfter) }.min(), version: version.map(Self.name))
    }

    /// Blackbox's names for TLS versions.
    static func name(_ version: TLSVersion) -> String {
        switch version {
        case .tlsv1: "TLS 1.0"
        case .tlsv11: "TLS 1.1"
        case .tlsv12: "TLS 1.2"
        case .tlsv13: "TLS 1.3"
        }
    }
}
