import Foundation
import Hummingbird
import Logging
import NIOCore
import OspreyModel
import OspreyStorage
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
        router.get("/metrics") { _, _ -> Response in
            let (text, type) = body.content.withLock { ($0.text, $0.contentType) }
            return Response(
                status: .ok, headers: [.contentType: type], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: Self.quietLogger)
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        guard let port = await ports.first(where: { _ in true }) else { throw ScrapeTestFailure("target did not start") }
        return MetricsTarget(address: "127.0.0.1:\(port)", body: body, task: task)
    }

    /// Stopping a target mid-connection is the point of some tests; its server need not say so.
    private static var quietLogger: Logger {
        var logger = Logger(label: "target")
        logger.logLevel = .critical
        return logger
    }

    func serve(_ text: String) {
        body.content.withLock { $0.text = text }
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}

struct ScrapeTestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Polls until `condition` holds, with a generous deadline rather than a fixed sleep.
func eventually(timeout: Duration = .seconds(30), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(25))
    }
    throw ScrapeTestFailure("condition not met within \(timeout)")
}

/// A storage in a fresh temporary folder, removed afterwards.
final class TemporaryStorage: Sendable {
    let path: String
    let storage: MetricsStorage

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("osprey-scrape-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        storage = try MetricsStorage(path: path)
    }

    deinit {
        try? storage.close()
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Every stored sample of the series with exactly these labels.
    func samples(_ labels: [String: String]) throws -> [Sample] {
        let matchers = try labels.map { try LabelMatcher(.equal, $0.key, $0.value) }
        return try storage.querier(minTime: .min, maxTime: .max).select(matchers)
            .filter { $0.labels == Labels(labels) }.flatMap(\.samples)
    }

    /// Every stored series whose labels include these.
    func series(matching labels: [String: String]) throws -> [Labels] {
        let matchers = try labels.map { try LabelMatcher(.equal, $0.key, $0.value) }
        return try storage.querier(minTime: .min, maxTime: .max).select(matchers).map(\.labels)
    }
}
