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

/// One connection and its `query_response` script. Runs without its own deadline: the prober
/// races it against the module's timeout and cancels it.
struct TCPConversation: Sendable {
    var config: TCPProbeConfiguration
    var address: SocketAddress
    var serverName: String
    var timeout: Duration

    struct Outcome: Sendable {
        var steps: [String] = []
        /// The last handshake's, when the probe spoke TLS.
        var tls: TLSPeerFacts?
        /// Set when an `expect` never matched: the probe fails with `probe_failed_due_to_regex` 1.
        var regexFailure: String?
    }

    func run() async -> Result<Outcome, TCPProbeFailure> {
        do {
            return .success(try await converse())
        } catch let failure as TCPProbeFailure {
            return .failure(failure)
        } catch {
            return .failure(TCPProbeFailure(Self.describe(error, address: address)))
        }
    }

    private func converse() async throws -> Outcome {
        var outcome = Outcome()
        let tlsContext = config.tls || config.queryResponse.contains(where: \.startTLS) ? try makeTLSContext() : nil
        let serverName = Self.isIPAddress(serverName) ? nil : serverName
        var bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.nanoseconds(timeout.nanoseconds))
        if let source = config.sourceIPAddress {
            bootstrap = bootstrap.bind(to: try SocketAddress(ipAddress: source, port: 0))
        }
        let useTLS = config.tls
        let verified = !config.tlsConfig.insecureSkipVerify
        let (channel, handshake) = try await bootstrap.connect(to: address) { channel in
            channel.eventLoop.makeCompletedFuture {
                var handshake: EventLoopFuture<TLSPeerFacts>?
                if useTLS, let tlsContext {
                    let watcher = TCPTLSHandshakeWatcher(promise: channel.eventLoop.makePromise(), verified: verified)
                    handshake = watcher.promise.futureResult
                    try channel.pipeline.syncOperations.addHandler(
                        try NIOSSLClientHandler(context: tlsContext, serverHostname: serverName))
                    try channel.pipeline.syncOperations.addHandler(watcher)
                }
                let wrapped = try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                return (wrapped, handshake)
            }
        }
        outcome.steps.append("connected to \(address)")
        if let handshake {
            let facts = try await handshake.get()
            outcome.tls = facts
            outcome.steps.append("TLS handshake done (\(facts.version))")
        }
        try await channel.executeThenClose { inbound, outbound in
            var lines = TCPLineReader(inbound.makeAsyncIterator())
            for (index, step) in config.queryResponse.enumerated() {
                if let regex = try step.expectRegex(), let pattern = step.expect {
                    var matched = false
                    while let line = try await lines.next() {
                        outcome.steps.append("read \"\(line)\"")
                        if regex.matches(line) {
                            matched = true
                            break
                        }
                    }
                    if !matched {
                        outcome.regexFailure =
                            "expected regex \"\(pattern)\" (query_response step \(index + 1)) not matched before the connection closed"
                        return
                    }
                    outcome.steps.append("matched \"\(pattern)\"")
                }
                if let send = step.send {
                    try await outbound.write(ByteBuffer(string: send + "\n"))
                    outcome.steps.append("sent \"\(send)\"")
                }
                if step.startTLS, let tlsContext {
                    let watcher = TCPTLSHandshakeWatcher(promise: channel.channel.eventLoop.makePromise(), verified: verified)
                    // Both go in front of the async channel's handlers, next to the socket, so later
                    // reads and writes pass through TLS; the watcher first so it sees the handshake end.
                    let pipeline = channel.channel.pipeline
                    try await channel.channel.eventLoop.submit {
                        try pipeline.syncOperations.addHandler(watcher, position: .first)
                        try pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: tlsContext, serverHostname: serverName), position: .first)
                    }.get()
                    let facts = try await watcher.promise.futureResult.get()
                    outcome.tls = facts
                    outcome.steps.append("STARTTLS handshake done (\(facts.version))")
                }
            }
        }
        return outcome
    }

    private func makeTLSContext() throws -> NIOSSLContext {
        let settings = config.tlsConfig
        var tls = NIOSSL.TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = settings.insecureSkipVerify ? .none : .fullVerification
        if let caFile = settings.caFile { tls.trustRoots = .file(caFile) }
        if let certFile = settings.certFile, let keyFile = settings.keyFile {
            tls.certificateChain = try NIOSSLCertificate.fromPEMFile(certFile).map { .certificate($0) }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem))
        }
        do {
            return try NIOSSLContext(configuration: tls)
        } catch {
            throw TCPProbeFailure("tls_config: \(error)")
        }
    }

    private static func isIPAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }

    /// Connection errors as a user reads them: "connection refused" rather than an errno dump.
    static func describe(_ error: any Error, address: SocketAddress) -> String {
        if let connection = error as? NIOConnectionError, let first = connection.connectionErrors.first {
            return describe(first.error, address: address)
        }
        if let io = error as? IOError {
            switch io.errnoCode {
            case ECONNREFUSED: return "connection refused by \(address)"
            case ETIMEDOUT: return "connecting to \(address) timed out"
            case EHOSTUNREACH, ENETUNREACH: return "\(address) is unreachable"
            default: return "connecting to \(address): \(io)"
            }
        }
        if error is ChannelError, case .connectTimeout(let after) = error as? ChannelError {
            return "connecting to \(address) timed out after \(Duration.nanoseconds(after.nanoseconds).prometheusString)"
        }
        if error is CancellationError { return "probe cancelled" }
        return "\(error)"
    }
}

/// Reads newline-terminated lines from the connection, dropping the `\r` of `\r\n` as Go's
/// line scanner does. A last line without a newline still counts when the peer closes.
struct TCPLineReader {
    var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    var pending: [UInt8] = []
    var finished = false

    init(_ iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator) {
        self.iterator = iterator
    }

    mutating func next() async throws -> String? {
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                var line = pending[..<newline]
                if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
                pending.removeSubrange(...newline)
                return String(decoding: line, as: UTF8.self)
            }
            if finished {
                guard !pending.isEmpty else { return nil }
                defer { pending.removeAll() }
                return String(decoding: pending, as: UTF8.self)
            }
            if var buffer = try await iterator.next() {
                pending += buffer.readBytes(length: buffer.readableBytes) ?? []
            } else {
                finished = true
            }
        }
    }
}

/// Completes when the TLS handshake does, with what the probe reports about it.
final class TCPTLSHandshakeWatcher: ChannelInboundHandler, Sendable {
    typealias InboundIn = NIOAny
    let promise: EventLoopPromise<TLSPeerFacts>
    /// Whether the handshake checks the server against trusted roots.
    let verified: Bool

    init(promise: EventLoopPromise<TLSPeerFacts>, verified: Bool) {
        self.promise = promise
        self.verified = verified
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // TLSUserEvent lives in NIOTLS, which this target does not depend on; its case names are stable.
        if String(describing: type(of: event)) == "TLSUserEvent", "\(event)".hasPrefix("handshakeCompleted") {
            let handler = try? context.pipeline.syncOperations.handler(type: NIOSSLClientHandler.self)
            // NIOSSL shows the server's own certificate only, not the rest of what it presented.
            promise.succeed(
                TLSPeerFacts(version: handler?.tlsVersion, presented: handler?.peerCertificate.map { [$0] } ?? [], verified: verified))
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(TCPProbeFailure("TLS handshake failed: \(error)"))
        context.fireErrorCaught(error)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        promise.fail(TCPProbeFailure("connection closed before the TLS handshake finished"))
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(TCPProbeFailure("connection closed before the TLS handshake finished"))
        context.fireChannelInactive()
    }
}
