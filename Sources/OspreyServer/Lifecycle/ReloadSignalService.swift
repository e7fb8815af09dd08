import Logging
import ServiceLifecycle
import UnixSignals

/// Reloads the config on SIGHUP, as Prometheus does.
struct ReloadSignalService: Service {
    let config: ConfigStore

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        await cancelWhenGracefulShutdown {
            for await _ in signals {
                try? config.reload()
            }
        }
    }
}
