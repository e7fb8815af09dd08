import Foundation
import Logging
import OspreyConfig
import Synchronization

/// The config in force, and its reloading: a bad file is refused and the old config keeps running.
public final class ConfigStore: Sendable {
    public let path: String?
    private let state: Mutex<OspreyConfiguration>
    private let observers = Mutex<[@Sendable (OspreyConfiguration) -> Void]>([])
    private let metrics: SelfMetrics
    private let logger: Logger

    /// Loads the config file, or the embedded defaults without one.
    init(path: String?, metrics: SelfMetrics, logger: Logger) throws(ConfigErrors) {
        self.path = path
        self.metrics = metrics
        self.logger = logger
        let initial = try path.map { path throws(ConfigErrors) in try ConfigFile.load(path: path) }
            ?? OspreyConfiguration.embeddedDefault
        state = Mutex(initial)
        metrics.configReloaded(successfully: true)
    }

    public var current: OspreyConfiguration { state.withLock { $0 } }

    /// Calls `observer` with each config a reload puts in force.
    func onReload(_ observer: @escaping @Sendable (OspreyConfiguration) -> Void) {
        observers.withLock { $0.append(observer) }
    }

    /// Reads the file again; on error keeps the running config and returns the errors.
    @discardableResult
    public func reload() throws(ConfigErrors) -> OspreyConfiguration {
        do {
            let fresh = try path.map { path throws(ConfigErrors) in try ConfigFile.load(path: path) }
                ?? OspreyConfiguration.embeddedDefault
            state.withLock { $0 = fresh }
            for observer in observers.withLock({ $0 }) { observer(fresh) }
            metrics.configReloaded(successfully: true)
            logger.info("config reloaded", metadata: ["file": "\(path ?? "(embedded defaults)")"])
            return fresh
        } catch {
            metrics.configReloaded(successfully: false)
            logger.error("config reload failed, keeping the running config", metadata: ["error": "\(error)"])
            throw error
        }
    }
}
