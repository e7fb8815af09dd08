import Foundation
import Hummingbird
import Logging
import NIOCore
import OspreyCompression
import OspreyTestSupport
import Synchronization

/// A stand-in for an Osprey server's import endpoint on an ephemeral loopback port: it records
/// every push and answers with the statuses the test scripted, then 204.
final class ImportServer: Sendable {
    struct Push: Sendable {
        var path: String
        /// Lowercased names.
        var headers: [String: String]
        /// As it came over the wire (gzip).
        var body: [UInt8]
        var at: ContinuousClock.Instant
        var answered: Int

        /// The body gunzipped, as text.
        func text() throws -> String { String(decoding: try Gzip.decompress(body), as: UTF8.self) }
    }

    struct Answer: Sendable {
        var status: Int
        var retryAfter: String?
        var body = ""
    }

    let url: String
    private let state: State
    private let task: Task<Void, any Error>

    private final class State: Sendable {
        let script = Mutex<[Answer]>([])
        let pushes = Mutex<[Push]>([])
    }

    private init(url: String, state: State, task: Task<Void, any Error>) {
        self.url = url
        self.state = state
        self.task = task
    }

    var pushes: [Push] { state.pushes.withLock { $0 } }

    /// The next pushes get these answers, in order; after them, 204.
    func answer(_ answers: Answer...) {
        state.script.withLock { $0 += answers }
    }

    static func start() async throws -> ImportServer {
        let state = State()
        let router = Router()
        let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            let body = try await request.body.collect(upTo: 16 << 20)
            let answer = state.script.withLock { $0.isEmpty ? Answer(status: 204) : $0.removeFirst() }
            let headers = Dictionary(request.headers.map { ($0.name.canonicalName, $0.value) }) { first, _ in first }
            state.pushes.withLock {
                $0.append(
                    Push(
                        path: request.uri.path, headers: headers, body: Array(buffer: body), at: .now, answered: answer.status))
            }
            return Response(
                status: .init(code: answer.status), headers: answer.retryAfter.map { [.retryAfter: $0] } ?? [:],
                body: ResponseBody(byteBuffer: ByteBuffer(string: answer.body)))
        }
        router.post("/api/v1/import/prometheus", use: handler)
        router.post("/prefix/api/v1/import/prometheus", use: handler)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "import-server")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: logger)
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        guard let port = await ports.first(where: { _ in true }), port > 0 else { throw TestFailure("import server did not start") }
        return ImportServer(url: "http://127.0.0.1:\(port)", state: state, task: task)
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}
