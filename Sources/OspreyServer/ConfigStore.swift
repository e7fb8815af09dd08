import Foundation
import Logging
import OspreyConfig
import OspreyRules
import Synchronization

/// The config in force with the rule files it names, and their reloading: a bad config or rule
/// file is refused and the old ones keep running.
public final class ConfigStore: Sendable {
    public let path: String?
    private let state: Mutex<(configuration: OspreyConfiguration, ruleFiles: [RuleFile])>
    private let observers = Mutex<[@Sendable (OspreyConfiguration) -> Void]>([])
    private let metrics: SelfMetrics
    private let logger: Logger

    /// Loads the config file, or the embedded defaults without one.
    init(path: String?, metrics: SelfMetrics, logger: Logger) throws(ConfigErrors) {
        self.path = path
        self.metrics = metrics
        self.logger = logger
        state = Mutex(try Self.load(path))
        metrics.configReloaded(successfully: true)
    }

    public var current: OspreyConfiguration { state.withLock { $0.configuration } }

    /// The rule files of the config in force, loaded and checked.
    public var ruleFiles: [RuleFile] { state.withLock { $0.ruleFiles } }

    private static func load(_ path: String?) throws(ConfigErrors) -> (configuration: OspreyConfiguration, ruleFiles: [RuleFile]) {
        let configuration =
            try path.map { path throws(ConfigErrors) in try ConfigFile.load(path: path) }
            ?? OspreyConfiguration.embeddedDefault
        let folder = path.map { URL(fileURLWithPath: $0).deletingLastPathComponent().path }
        return (configuration, try RuleFile.loadAll(configuration.ruleFiles, relativeTo: folder))
    }

    /// Calls `observer` with each config a reload puts in force.
    func onReload(_ observer: @escaping @Sendable (OspreyConfiguration) -> Void) {
        observers.withLock { $0.append(observer) }
    }

    /// Reads the file again; on error keeps the running config and returns the errors.
    @discardableResult
    public func reload() throws(ConfigErrors) -> OspreyConfiguration {
        do {
            let fresh = try Self.load(path)
            state.withLock { $0 = fresh }
            for observer in observers.withLock({ $0 }) { observer(fresh.configuration) }
            metrics.configReloaded(successfully: true)
            logger.info("config reloaded", metadata: ["file": "\(path ?? "(embedded defaults)")"])
            return fresh.configuration
        } catch {
            metrics.configReloaded(successfully: false)
            logger.error("config reload failed, keeping the running config", metadata: ["error": "\(error)"])
            throw error
        }
    }
}
