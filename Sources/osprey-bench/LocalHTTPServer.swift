import Hummingbird
import Logging

/// A Hummingbird server on a free loopback port, for the targets and receivers benchmarks serve.
enum LocalHTTPServer {
    /// Starts serving `router` and returns its port once it listens, and the task running it
    /// (cancel it to stop).
    static func start(_ router: Router<BasicRequestContext>, name: String) async throws -> (port: Int, task: Task<Void, any Error>) {
        var logger = Logger(label: name)
        logger.logLevel = .critical
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: logger)
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        guard let port = await ports.first(where: { _ in true }) else { throw BenchError("\(name) did not start") }
        return (port, task)
    }
}
