import NIOCore
import NIOPosix
import OspreyConfig
import OspreyTestSupport
import Synchronization
import Testing

@testable import OspreyProbes

/// A probe of a host that accepts and never answers, cancelled (its `/probe` client went away,
/// the server is stopping), ends at once rather than at its timeout, and lets go of its socket.
@Suite struct ProbeCancellationTests {
    /// Counts the connections open on it.
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

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
    }

    @Test(.needsAQuietMachine, arguments: [("http_2xx", "http://127.0.0.1:PORT/"), ("ssh_banner", "127.0.0.1:PORT")])
    func aCancelledProbeOfAHostThatNeverAnswersEndsAtOnce(module: String, target: String) async throws {
        let counter = Counter()
        let blackHole = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(counter) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        defer { blackHole.close(promise: nil) }
        let port = try #require(blackHole.localAddress?.port)
        let configuration = try #require(BuiltInProbeModules.modules[module])
        let address = target.replacingOccurrences(of: "PORT", with: "\(port)")

        let probe = Task { await ProbeRunner.probe(address, module: configuration, timeout: .seconds(120)) }
        try await eventually { counter.open.load(ordering: .relaxed) == 1 }
        let cancelled = ContinuousClock.now
        probe.cancel()
        let result = await probe.value
        #expect(ContinuousClock.now - cancelled < .seconds(5), "the probe ran on for \(ContinuousClock.now - cancelled)")
        #expect(!result.success)
        try await eventually { counter.open.load(ordering: .relaxed) == 0 }
    }
}
