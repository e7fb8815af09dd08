import Hummingbird
import NIOCore

/// A loopback HTTP server on an ephemeral port with the answers the http prober tests need.
struct HTTPProbeTestServer {
    let port: Int
    private let task: Task<Void, any Error>

    var base: String { "http://127.0.0.1:\(port)" }

    /// What `/dated` answers as its `Last-Modified`: 784111777 in Unix seconds.
    static let lastModified = "Sun, 06 Nov 1994 08:49:37 GMT"

    /// How long `/slow` takes to answer.
    static let slowAnswerDelay = Duration.seconds(60)

    static func start() async throws -> HTTPProbeTestServer {
        let router = Router()
        router.get("ok") { _, _ in "all is well" }
        router.get("broken") { _, _ in Response(status: .internalServerError) }
        // Far beyond any probe timeout the tests set, so a probe that waited for it is unmistakable.
        router.get("slow") { _, _ -> String in
            try await Task.sleep(for: Self.slowAnswerDelay)
            return "late"
        }
        router.get("moved") { _, _ in Response(status: .found, headers: [.location: "/ok"]) }
        router.get("dated") { _, _ in
            Response(
                status: .ok, headers: [.lastModified: Self.lastModified],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "dated\n")))
        }
        router.get("cookie") { _, _ in Response(status: .ok, headers: [.setCookie: "session=abc"]) }
        router.get("whoami") { request, _ -> String in request.headers[.authorization] ?? "nobody" }
        router.post("echo") { request, _ -> String in
            let body = try await request.body.collect(upTo: 1 << 20)
            return String(buffer: body)
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) })
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        guard let port = await ports.first(where: { _ in true }) else { throw ServerDidNotStart() }
        return HTTPProbeTestServer(port: port, task: task)
    }

    func stop() { task.cancel() }

    /// Stops the server and returns once it has closed its port.
    func stopAndWait() async {
        task.cancel()
        _ = await task.result
    }

    struct ServerDidNotStart: Error {}
}
