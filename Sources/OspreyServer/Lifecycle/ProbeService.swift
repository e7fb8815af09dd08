import Logging
import OspreyConfig
import OspreyProbes
import ServiceLifecycle

/// Runs the probe jobs of the config in force, and again after each reload: new targets start,
/// removed ones stop, unchanged ones keep their schedule.
final class ProbeService: Service, Sendable {
    let scheduler: ProbeScheduler
    /// `probes.max_concurrent`, shared by scheduled probes and `/probe`.
    let slots: ProbeSlots
    private let config: ConfigStore
    private let reloads: AsyncStream<[ScheduledProbe]>
    private let reloadsContinuation: AsyncStream<[ScheduledProbe]>.Continuation

    init(config: ConfigStore, storage: StorageService, logger: Logger) {
        self.config = config
        let slots = ProbeSlots { config.current.probes.maxConcurrent }
        self.slots = slots
        scheduler = ProbeScheduler(storage: { storage.opened?.storage }, slots: slots, logger: logger) { probe in
            guard let module = config.current.probeModule(named: probe.module) else {
                return ProbeResult(success: false, duration: .zero, metrics: [], failure: "module \"\(probe.module)\" is no longer configured")
            }
            return await ProbeRunner.probe(probe.target, module: module, timeout: probe.timeout)
        }
        (reloads, reloadsContinuation) = AsyncStream.makeStream(of: [ScheduledProbe].self, bufferingPolicy: .bufferingNewest(1))
        reloadsContinuation.yield(ProbeRunner.scheduledProbes(of: config.current))
        config.onReload { [reloadsContinuation] fresh in reloadsContinuation.yield(ProbeRunner.scheduledProbes(of: fresh)) }
    }

    func run() async throws {
        let reloads = self.reloads
        await withGracefulShutdownHandler {
            for await probes in reloads {
                await scheduler.apply(probes)
            }
        } onGracefulShutdown: { [reloadsContinuation] in
            reloadsContinuation.finish()
        }
        await scheduler.shutdown()
    }
}
