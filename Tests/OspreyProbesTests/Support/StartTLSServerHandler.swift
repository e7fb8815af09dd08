import NIOCore
import NIOSSL

/// A mail-server-like conversation: greets with `220 ready`, answers `STARTTLS` with
/// `220 go ahead` and then speaks TLS, answering `PING` with `250 secure` inside it.
final class StartTLSServerHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private let tls: NIOSSLContext
    private var pending = ""

    init(tls: NIOSSLContext) {
        self.tls = tls
    }

    func channelActive(context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "220 ready\r\n")), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        pending += String(buffer: unwrapInboundIn(data))
        while let end = pending.firstIndex(of: "\n") {
            let line = pending[..<end].trimmingCharacters(in: .whitespacesAndNewlines)
            pending.removeSubrange(...end)
            switch line {
            case "STARTTLS":
                let pipeline = context.pipeline
                let tls = self.tls
                // The go-ahead leaves in the clear; everything after it goes through TLS.
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "220 go ahead\r\n"))).whenSuccess {
                    try? pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls), position: .first)
                }
            case "PING":
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "250 secure\r\n")), promise: nil)
            default:
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "500 what?\r\n")), promise: nil)
            }
        }
    }
}
