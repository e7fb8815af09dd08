import Foundation
import Logging
import OspreyConfig
import ServiceLifecycle
import Synchronization

/// Opens the dashboard store once the data folder is open, provisions the built-in dashboards and
/// the dashboards folder, and provisions them again after each config reload.
final class DashboardService: Service, Sendable {
    private let config: ConfigStore
    private let storage: StorageService
    private let logger: Logger
    private let state = Mutex<DashboardStore?>(nil)
    private let reloads: AsyncStream<DashboardsConfiguration>
    private let reloadsContinuation: AsyncStream<DashboardsConfiguration>.Continuation

    init(config: ConfigStore, storage: StorageService, logger: Logger) {
        self.config = config
        self.storage = storage
        self.logger = logger
        (reloads, reloadsContinuation) = AsyncStream.makeStream(of: DashboardsConfiguration.self, bufferingPolicy: .bufferingNewest(1))
        config.onReload { [reloadsContinuation] fresh in reloadsContinuation.yield(fresh.dashboards) }
    }

    /// The store, or nil while the data folder is still opening.
    var store: DashboardStore? { state.withLock { $0 } }

    func run() async throws {
        let directory = try await cancelWhenGracefulShutdown { try await self.storage.waitUntilOpenDirectory() }
        let store = try DashboardStore(path: directory + "/dashboards.sqlite")
        provision(store, config.current.dashboards)
        state.withLock { $0 = store }
        let reloads = self.reloads
        await withGracefulShutdownHandler {
            for await dashboards in reloads {
                provision(store, dashboards)
            }
        } onGracefulShutdown: { [reloadsContinuation] in
            reloadsContinuation.finish()
        }
    }

    /// A relative `dashboards.path` is taken from the config file's folder, as `rule_files` are,
    /// so that it does not depend on where the server was started.
    private func provision(_ store: DashboardStore, _ dashboards: DashboardsConfiguration) {
        var folder = dashboards.path
        if !folder.isEmpty, !folder.hasPrefix("/"), let file = config.path {
            folder = URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent(folder).path
        }
        store.provision(builtIn: dashboards.builtIn, folder: folder, logger: logger)
    }
}
