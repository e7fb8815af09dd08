import Logging
import OspreyConfig
import OspreyModel
import OspreyScrape
import ServiceLifecycle
import Synchronization

/// Runs the scrape manager with the jobs of the config in force, again after each reload.
/// Without a config file Osprey scrapes its own `/metrics` as job `osprey`, once it knows its port.
final class ScrapeService: Service, Sendable {
    let manager: ScrapeManager
    private let config: ConfigStore
    private let selfScrape: Bool
    private let selfAddress = Mutex<ListenAddress?>(nil)
    private let jobs: AsyncStream<[ScrapeConfiguration]>
    private let jobsContinuation: AsyncStream<[ScrapeConfiguration]>.Continuation

    init(config: ConfigStore, storage: StorageService, selfScrape: Bool, logger: Logger) {
        self.config = config
        self.selfScrape = selfScrape && config.path == nil
        manager = ScrapeManager(storage: { storage.opened?.storage }, logger: logger)
        (jobs, jobsContinuation) = AsyncStream.makeStream(of: [ScrapeConfiguration].self)
        config.onReload { [weak self] fresh in
            guard let self else { return }
            jobsContinuation.yield(self.jobs(of: fresh))
        }
    }

    /// The HTTP server is listening: its address is the self-scrape target.
    func serverStarted(at address: ListenAddress) {
        selfAddress.withLock { $0 = address }
        jobsContinuation.yield(jobs(of: config.current))
    }

    func run() async throws {
        let jobs = self.jobs
        await withGracefulShutdownHandler {
            for await configs in jobs {
                await manager.apply(configs)
            }
        } onGracefulShutdown: { [jobsContinuation] in
            jobsContinuation.finish()
        }
        await manager.shutdown()
    }

    private func jobs(of configuration: OspreyConfiguration) -> [ScrapeConfiguration] {
        guard selfScrape, configuration.scrapeConfigs.isEmpty, let address = selfAddress.withLock({ $0 }) else {
            return configuration.scrapeConfigs
        }
        let host = ["0.0.0.0", "::", ""].contains(address.host) ? "127.0.0.1" : address.host
        let target = host.contains(":") ? "[\(host)]:\(address.port)" : "\(host):\(address.port)"
        return [
            ScrapeConfiguration(jobName: "osprey", staticConfigs: [StaticConfiguration(targets: [target])])
                .resolved(with: configuration.global)
        ]
    }
}
