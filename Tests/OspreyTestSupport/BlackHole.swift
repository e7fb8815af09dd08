import NIOCore
import NIOPosix
import Synchronization

/// A TCP listener on loopback that accepts every connection and never answers, counting the
/// connections open: the host "that never answers" of probe and shutdown tests.
public struct BlackHole: Sendable {
    private let channel: any Channel
    private let counter: Counter

    public var port: Int { channel.localAddress?.port ?? 0 }
    /// Connections accepted and not yet closed.
    public var open: Int { counter.open.load(ordering: .relaxed) }

    private final class Counter: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let open = Atomic(0)

        func channelActive(context: ChannelHandlerContext) {
            open.add(1, ordering: .relaxed)
            context.fireChannelActive()
        }

        func channelInactive(context: ChannelHandlerContext) {
            open.subtract(1, ordering: .relaxed)
            context.fireChannelInactive()
        }

        /// Whatever the client sends is read and dropped, so it never waits on a full buffer.
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
    }

    public static func start() async throws -> BlackHole {
        let counter = Counter()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(counter) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return BlackHole(channel: channel, counter: counter)
    }

    public func stop() async throws {
        try await channel.close()
    }
}
