import NIOCore

/// Greets each connection once it is active (writes before then are lost), optionally hanging up.
final class TCPBannerHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let banner: String
    let closeAfter: Bool

    init(banner: String, closeAfter: Bool) {
        self.banner = banner
        self.closeAfter = closeAfter
    }

    func channelActive(context: ChannelHandlerContext) {
        let write = context.writeAndFlush(NIOAny(ByteBuffer(string: banner)))
        if closeAfter {
            let channel = context.channel
            write.whenComplete { _ in channel.close(promise: nil) }
        }
        context.fireChannelActive()
    }
}
