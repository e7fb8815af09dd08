import Foundation
import Hummingbird
import Logging
import NIOCore
import OspreyCompression
import OspreyModel
import OspreyTestSupport
import ServiceLifecycle
import Synchronization

/// A `/metrics` endpoint on an ephemeral loopback port whose body the test sets, served by a
/// real HTTP server until `stop()`.
final class MetricsTarget: Sendable {
    let address: String
    private let body: Body
    private let task: Task<Void, any Error>

    private final class Body: Sendable {
        let content: Mutex<(text: String, contentType: String)>
        /// How long to wait before answering, to outlast a scrape timeout.
        let delay = Mutex<Duration>(.zero)
        /// How long to stall in the middle of the body, after the headers went out.
        let bodyStall = Mutex<Duration>(.zero)
        /// The headers of the last request, lowercased names.
        let lastHeaders = Mutex<[String: String]>([:])
        init(_ text: String, _ contentType: String) { content = Mutex((text, contentType)) }
    }

    private init(address: String, body: Body, task: Task<Void, any Error>) {
        self.address = address
        self.body = body
        self.task = task
    }

    static func start(_ text: String, contentType: String = "text/plain; version=0.0.4") async throws -> MetricsTarget {
        let body = Body(text, contentType)
        let router = Router()
        router.get("/metrics") { request, _ -> Response in
            body.lastHeaders.withLock { headers in
                headers = Dictionary(request.headers.map { ($0.name.canonicalName, $0.value) }) { first, _ in first }
            }
            try await Task.sleep(for: body.delay.withLock { $0 })
            let (text, type) = body.content.withLock { ($0.text, $0.contentType) }
            let stall = body.bodyStall.withLock { $0 }
            if stall > .zero {
                return Response(
                    status: .ok, headers: [.contentType: type],
                    body: ResponseBody { writer in
                        try await writer.write(ByteBuffer(string: String(text.prefix(text.count / 2))))
                        try await Task.sleep(for: stall)
                        try await writer.write(ByteBuffer(string: String(text.dropFirst(text.count / 2))))
                        try await writer.finish(nil)
                    })
            }
            if request.headers[.acceptEncoding]?.contains("gzip") == true {
                return Response(
                    status: .ok, headers: [.contentType: type, .contentEncoding: "gzip"],
                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: try Gzip.compress(Array(text.utf8)))))
            }
            return Response(
                status: .ok, headers: [.contentType: type], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: Self.quietLogger)
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        guard let port = await ports.first(where: { _ in true }) else { throw TestFailure("target did not start") }
        return MetricsTarget(address: "127.0.0.1:\(port)", body: body, task: task)
    }

    /// Stopping a target mid-connection is the point of some tests; its server need not say so.
    private static var quietLogger: Logger {
        var logger = Logger(label: "target")
        logger.logLevel = .critical
        return logger
    }

    /// The headers of the last scrape it answered, lowercased names.
    var lastRequestHeaders: [String: String] { body.lastHeaders.withLock { $0 } }

    /// Answers only after `delay`.
    func delay(_ delay: Duration) {
        body.delay.withLock { $0 = delay }
    }

    /// Sends the headers and half the body, then waits `stall` before the rest.
    func stallBody(_ stall: Duration) {
        body.bodyStall.withLock { $0 = stall }
    }

    func serve(_ text: String, contentType: String? = nil) {
        body.content.withLock { content in
            content.text = text
            if let contentType { content.contentType = contentType }
        }
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}
