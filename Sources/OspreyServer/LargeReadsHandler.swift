import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Tunes each connection for large pushes: answers `Expect: 100-continue` at once (curl asks
/// before sending a body over 1 MiB and otherwise waits a second), and reads the socket in
/// buffers of up to 4 MiB instead of NIO's default 64 KiB, so a big body streams through in a
/// few hundred hand-offs rather than thousands.
final class LargeReadsHandler: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    func handlerAdded(context: ChannelHandlerContext) {
        let allocator = AdaptiveRecvByteBufferAllocator(minimum: 64 << 10, initial: 256 << 10, maximum: 4 << 20)
        try? context.channel.syncOptions?.setOption(ChannelOptions.recvAllocator, value: allocator)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let request) = unwrapInboundIn(data),
            request.headerFields[.expect]?.lowercased() == "100-continue"
        {
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
        }
        context.fireChannelRead(data)
    }
}
