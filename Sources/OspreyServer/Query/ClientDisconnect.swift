import NIOCore
import NIOHTTPTypes
import Synchronization

/// Fires once, when a connection's client has gone away.
///
/// Hummingbird keeps running a handler whose client has closed the connection, and lets
/// clients half-close; a query would then burn its place and CPU for nobody. Go's net/http, under
/// Prometheus, cancels a request's context when the client's side ends; this is the same signal
/// for Osprey's queries.
final class DisconnectSignal: Sendable {
    private struct State {
        var fired = false
        var nextWaiter = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(State())

    var hasFired: Bool { state.withLock { $0.fired } }

    func fire() {
        let waiters = state.withLock { state in
            state.fired = true
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once the signal fires, or at once when the calling task is cancelled, so a
    /// task group waiting on it can always finish.
    func wait() async {
        let id = state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state in
                    // Checked under the lock: a cancellation that came first has set the flag
                    // before its handler found no waiter to resume.
                    if state.fired || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }
}

/// Fires its connection's `DisconnectSignal` when the client closes its side or the connection
/// drops. One per connection, in the HTTP pipeline.
final class ClientDisconnectHandler: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = HTTPRequestPart

    let signal = DisconnectSignal()

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .inputClosed = event as? ChannelEvent { signal.fire() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        signal.fire()
        context.fireChannelInactive()
    }

    /// The signal of the connection a request came on; nil when the pipeline has no such handler.
    static func signal(of channel: (any Channel)?) async -> DisconnectSignal? {
        guard let channel else { return nil }
        return try? await channel.pipeline.handler(type: ClientDisconnectHandler.self).get().signal
    }
}
