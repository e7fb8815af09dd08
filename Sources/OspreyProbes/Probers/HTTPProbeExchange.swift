import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Synchronization

/// One request and its answer, with the moments the prober splits into phases. AsyncHTTPClient
/// tells its delegate when the request head is written (so the connection, TLS included, is up)
/// and when the answer's head arrives; those are the boundaries the prober can see.
final class HTTPProbeExchange: HTTPClientResponseDelegate, Sendable {
    struct Response: Sendable {
        var head: HTTPResponseHead
        var body: [UInt8]
        var sentHead: ContinuousClock.Instant
        var receivedHead: ContinuousClock.Instant
        var finished: ContinuousClock.Instant
    }

    struct BodyTooLarge: Error, CustomStringConvertible {
        var limit: Int
        var description: String { "body larger than body_size_limit (\(limit) bytes)" }
    }

    private struct State {
        var sentHead: ContinuousClock.Instant?
        var head: HTTPResponseHead?
        var receivedHead: ContinuousClock.Instant?
        var body: [UInt8] = []
    }

    private let bodyLimit: Int
    private let state = Mutex(State())

    init(bodyLimit: Int) {
        self.bodyLimit = bodyLimit
    }

    func didSendRequestHead(task: HTTPClient.Task<Response>, _ head: HTTPRequestHead) {
        state.withLock { $0.sentHead = .now }
    }

    func didReceiveHead(task: HTTPClient.Task<Response>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        state.withLock {
            $0.head = head
            $0.receivedHead = .now
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Response>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        let fits = state.withLock { state -> Bool in
            state.body.append(contentsOf: buffer.readableBytesView)
            return bodyLimit <= 0 || state.body.count <= bodyLimit
        }
        return fits ? task.eventLoop.makeSucceededVoidFuture() : task.eventLoop.makeFailedFuture(BodyTooLarge(limit: bodyLimit))
    }

    func didFinishRequest(task: HTTPClient.Task<Response>) throws -> Response {
        let finished = ContinuousClock.now
        return try state.withLock { state in
            guard let head = state.head else { throw HTTPClientError.remoteConnectionClosed }
            let receivedHead = state.receivedHead ?? finished
            return Response(
                head: head, body: state.body, sentHead: state.sentHead ?? receivedHead, receivedHead: receivedHead, finished: finished)
        }
    }
}
