import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Opens the dashboard store once the data folder is open, provisions the dashboards folder,
/// and provisions it again after each config reload.
final class DashboardService: Service, Sendable {
    private let config: ConfigStore
    private let storage: StorageService
    private let logger: Logger
    private let state = Mutex<DashboardStore?>(nil)
    private let reloads: AsyncStream<String>
    private let reloadsContinuation: AsyncStream<String>.Continuation

    init(config: ConfigStore, storage: StorageService, logger: Logger) {
        self.config = config
        self.storage = storage
        self.logger = logger
        (reloads, reloadsContinuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(1))
        config.onReload { [reloadsContinuation] fresh in reloadsContinuation.yield(fresh.dashboards.path) }
    }

    /// The store, or nil while the data folder is still opening.
    var store: DashboardStore? { state.withLock { $0 } }

    func run() async throws {
        let directory = try await cancelWhenGracefulShutdown { try await self.storage.waitUntilOpenDirectory() }
        let store = try DashboardStore(path: directory + "/dashboards.sqlite")
        store.provision(from: config.current.dashboards.path, logger: logger)
        state.withLock { $0 = store }
        let reloads = self.reloads
        await withGracefulShutdownHandler {
            for await folder in reloads {
                store.provision(from: folder, logger: logger)
            }
        } onGracefulShutdown: { [reloadsContinuation] in
            reloadsContinuation.finish()
        }
    }
}
