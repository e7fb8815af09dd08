import Foundation
import Logging
import OspreyModel
import OspreyServer
import ServiceLifecycle

/// A real Osprey server in this process, on a free loopback port and a fresh data folder, as the
/// HTTP benchmarks run it.
struct LocalOsprey {
    let started: StartedServer
    let folder: String
    private let group: ServiceGroup
    private let running: Task<Void, any Error>

    var base: String { "http://127.0.0.1:\(started.address.port)" }

    /// Starts the server and waits until it is ready; `name` tells the data folders apart.
    static func start(_ name: String) async throws -> LocalOsprey {
        // As `osprey server` does at start.
        MemoryTuning.applyForServer()
        var logger = Logger(label: "osprey-bench")
        logger.logLevel = .warning
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("osprey-bench-\(name)-\(getpid())").path
        try? FileManager.default.removeItem(atPath: folder)
        let (started, continuation) = AsyncStream.makeStream(of: StartedServer.self)
        let server = Server(
            options: ServerOptions(listen: ListenAddress(host: "127.0.0.1", port: 0), dataPath: folder, handlesSignals: false, selfScrape: false),
            logger: logger
        ) { continuation.yield($0) }
        let group = ServiceGroup(services: [server], gracefulShutdownSignals: [], logger: logger)
        let running = Task { try await group.run() }
        guard let osprey = await started.first(where: { _ in true }) else { throw BenchError("Osprey did not start") }
        let local = LocalOsprey(started: osprey, folder: folder, group: group, running: running)
        try Peers.waitUntilAnswering(local.base + "/-/ready")
        return local
    }

    /// Stops the server gracefully and removes its data folder.
    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await running.value
        try? FileManager.default.removeItem(atPath: folder)
    }
}
