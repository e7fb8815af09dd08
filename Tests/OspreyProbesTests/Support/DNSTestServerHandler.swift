import NIOCore

/// Answers `example.test A` with 127.0.0.1 (its name compressed to the question) and anything else with NXDOMAIN.
final class DNSTestServerHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        var buffer = envelope.data
        let query = buffer.readBytes(length: buffer.readableBytes) ?? []
        guard query.count > 12 else { return }
        let reply = AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: ByteBuffer(bytes: Self.answer(query)))
        context.writeAndFlush(wrapOutboundOut(reply), promise: nil)
    }

    static func answer(_ query: [UInt8]) -> [UInt8] {
        // Only the question itself: a client may add an EDNS record after it.
        var questionEnd = 12
        while questionEnd < query.count, query[questionEnd] != 0 { questionEnd += Int(query[questionEnd]) + 1 }
        let question = Array(query[12..<min(questionEnd + 5, query.count)])
        let known = Array([7] + "example".utf8 + [4] + "test".utf8 + [0]) + [0, 1, 0, 1]
        var reply = Array(query[0..<2])
        let found = question == known
        reply += [0x81, found ? 0x80 : 0x83]  // response, RD, RA; rcode NOERROR or NXDOMAIN
        reply += [0, 1, 0, found ? 1 : 0, 0, 0, 0, 0]
        reply += question
        if found {
            reply += [0xc0, 12, 0, 1, 0, 1, 0, 0, 0x01, 0x2c, 0, 4, 127, 0, 0, 1]
        }
        return reply
    }
}

/// The same answers over TCP, each message preceded by its two-byte length (RFC 1035 4.2.2).
final class DNSOverTCPTestServerHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private var received = ByteBuffer()

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var chunk = unwrapInboundIn(data)
        received.writeBuffer(&chunk)
        while let length = received.getInteger(at: received.readerIndex, as: UInt16.self),
            received.readableBytes >= 2 + Int(length)
        {
            received.moveReaderIndex(forwardBy: 2)
            let query = received.readBytes(length: Int(length)) ?? []
            let answer = DNSTestServerHandler.answer(query)
            var reply = ByteBuffer()
            reply.writeInteger(UInt16(answer.count))
            reply.writeBytes(answer)
            context.writeAndFlush(wrapOutboundOut(reply), promise: nil)
        }
    }
}
