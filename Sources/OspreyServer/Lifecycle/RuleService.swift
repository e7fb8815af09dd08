import Foundation
import Logging
import OspreyConfig
import OspreyQuery
import OspreyRules
import OspreyStorage
import ServiceLifecycle
import Synchronization

/// Runs the rules of the config in force once storage is open, and again after each reload, and
/// hands the alerts they send to the notifier.
final class RuleService: Service, Sendable {
    private let config: ConfigStore
    private let storage: StorageService
    private let logger: Logger
    private let externalURL: Mutex<String>
    private let running = Mutex<RuleManager?>(nil)
    private let reloads: AsyncStream<Void>
    private let reloadsContinuation: AsyncStream<Void>.Continuation
    private let notify: RuleManager.Notify

    init(config: ConfigStore, storage: StorageService, externalURL: String, logger: Logger, notify: @escaping RuleManager.Notify) {
        self.config = config
        self.storage = storage
        self.logger = logger
        self.externalURL = Mutex(externalURL)
        self.notify = notify
        (reloads, reloadsContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        config.onReload { [reloadsContinuation] _ in reloadsContinuation.yield() }
    }

    /// The rule manager, once storage is open.
    var manager: RuleManager? { running.withLock { $0 } }

    /// The HTTP server is listening: alert links point at it unless the config says otherwise.
    func serverStarted(externalURL url: String) {
        externalURL.withLock { $0 = url }
        reloadsContinuation.yield()
    }

    func run() async throws {
        // Storage may fail to open, and the group then shuts down: stop waiting for it.
        let opened = try await cancelWhenGracefulShutdown { try await self.storage.waitUntilOpen() }
        let manager = RuleManager(context: context(opened), logger: logger, notify: notify)
        running.withLock { $0 = manager }
        await manager.apply(config.ruleFiles, defaultInterval: config.current.global.evaluationInterval)
        let reloads = self.reloads
        await withGracefulShutdownHandler {
            for await _ in reloads {
                await manager.apply(
                    config.ruleFiles, defaultInterval: config.current.global.evaluationInterval, context: context(opened))
            }
        } onGracefulShutdown: { [reloadsContinuation] in
            reloadsContinuation.finish()
        }
        await manager.shutdown()
    }

    private func context(_ storage: some Queryable & Appendable) -> RuleEvaluationContext {
        let current = config.current
        let options = current.query.engineOptions(timeout: current.query.timeout, evaluationInterval: current.global.evaluationInterval)
        return RuleEvaluationContext(
            queryable: storage, appendable: storage, engine: QueryEngine(options: options),
            externalLabels: current.global.externalLabels, externalURL: externalURL.withLock { $0 },
            resendDelay: current.alerting.resendDelay)
    }
}
