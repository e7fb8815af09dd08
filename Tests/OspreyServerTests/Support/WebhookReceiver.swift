import Foundation
import Hummingbird
import Logging
import NIOCore
import OspreyTestSupport
import ServiceLifecycle
import Synchronization

/// A webhook receiver as a user would run one: a real HTTP server on a loopback port that keeps
/// every request it accepted, and that a test can make refuse (answer 503) for a while.
final class WebhookReceiver: Sendable {
    struct Delivery: Sendable {
        var path: String
        var headers: [String: String]
        var body: Data

        /// The body as a JSON object.
        func json() throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
                throw TestFailure("webhook body is not a JSON object: \(String(decoding: body, as: UTF8.self))")
            }
            return object
        }
    }

    private final class State: Sendable {
        let accepted = Mutex<[Delivery]>([])
        let refusing = Mutex(false)
        let refused = Mutex(0)
    }

    let port: Int
    private let state: State
    private let group: ServiceGroup
    private let running: Task<Void, any Error>

    private init(port: Int, state: State, group: ServiceGroup, running: Task<Void, any Error>) {
        self.port = port
        self.state = state
        self.group = group
        self.running = running
    }

    var url: String { "http://127.0.0.1:\(port)/hook" }
    /// Every request accepted, in the order received.
    var received: [Delivery] { state.accepted.withLock { $0 } }
    /// How many requests were refused.
    var refusals: Int { state.refused.withLock { $0 } }

    /// While true, every request is answered 503 and not kept.
    func refuse(_ refusing: Bool) {
        state.refusing.withLock { $0 = refusing }
    }

    /// Starts on a free loopback port and waits until it listens.
    static func start() async throws -> WebhookReceiver {
        let state = State()
        let router = Router()
        router.post("/**") { request, _ -> Response in
            if state.refusing.withLock({ $0 }) {
                state.refused.withLock { $0 += 1 }
                return Response(status: .serviceUnavailable)
            }
            let body = try await request.body.collect(upTo: 16 << 20)
            let headers = Dictionary(
                request.headers.map { ($0.name.canonicalName, $0.value) }, uniquingKeysWith: { first, _ in first })
            state.accepted.withLock { $0.append(Delivery(path: request.uri.path, headers: headers, body: Data(buffer: body))) }
            return Response(status: .ok)
        }
        var logger = Logger(label: "webhook-receiver")
        logger.logLevel = .critical
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) }, logger: logger)
        let group = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: logger)
        let running = Task { try await group.run() }
        guard let port = await ports.first(where: { _ in true }) else { throw TestFailure("webhook receiver did not start") }
        return WebhookReceiver(port: port, state: state, group: group, running: running)
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await running.value
    }
}
