import Foundation
import Logging
import OspreyConfig
import OspreyModel
import OspreyNotification
import OspreyRules
import ServiceLifecycle
import Synchronization

/// Takes the alerts rules send and gets them to their receivers: routes and groups them (the
/// dispatcher), forwards them to the configured Alertmanagers, and delivers the notifications
/// from a durable outbox in the data folder, so that none is lost to a receiver's outage or a
/// restart. Silences are kept in the same folder.
final class NotifierService: Service, Sendable {
    /// What runs once the data folder is open.
    struct Opened: Sendable {
        var store: AlertingStore
        var dispatcher: AlertDispatcher
        var delivery: NotificationDelivery
    }

    /// How long notification log entries and expired silences are kept, as Alertmanager's
    /// `--data.retention` default.
    static let retention: TimeInterval = 120 * 3600

    private let config: ConfigStore
    private let storage: StorageService
    private let logger: Logger
    private let externalURL: Mutex<String>
    private let state = AwaitedValue<Opened>()
    private let reloads: AsyncStream<AlertingConfiguration>
    private let reloadsContinuation: AsyncStream<AlertingConfiguration>.Continuation

    init(config: ConfigStore, storage: StorageService, externalURL: String, logger: Logger) {
        self.config = config
        self.storage = storage
        self.logger = logger
        self.externalURL = Mutex(externalURL)
        (reloads, reloadsContinuation) = AsyncStream.makeStream(
            of: AlertingConfiguration.self, bufferingPolicy: .bufferingNewest(1))
        config.onReload { [reloadsContinuation] fresh in reloadsContinuation.yield(fresh.alerting) }
    }

    var opened: Opened? { state.value }

    /// The HTTP server is listening: notifications link to it unless the config says otherwise.
    func serverStarted(externalURL url: String) {
        externalURL.withLock { $0 = url }
        reloadsContinuation.yield(config.current.alerting)
    }

    /// Routes `alerts` to receivers and forwards them to Alertmanagers; waits for the data
    /// folder to be open, which is before any rule runs.
    func notify(_ alerts: [Alert]) async {
        guard let opened = await waitUntilOpen() else { return }
        await opened.dispatcher.receive(alerts)
        let alertmanagers = config.current.alerting.alertmanagers
        guard !alertmanagers.isEmpty else { return }
        do {
            try await AlertmanagerForwarder(alertmanagers: alertmanagers, userAgent: Self.userAgent)
                .forward(alerts, at: Date(), into: opened.store)
        } catch {
            logger.error("could not queue alerts for Alertmanager", metadata: ["error": "\(error)"])
        }
    }

    func run() async throws {
        // Storage may fail to open, and the group then shuts down: stop waiting for it.
        let directory = try await cancelWhenGracefulShutdown { try await self.storage.waitUntilOpenDirectory() }
        let store = try AlertingStore(path: directory + "/alerting.sqlite")
        let dispatcher = try AlertDispatcher(
            configuration: config.current.alerting, outbox: store, silencer: store.silences, persistence: store,
            builder: builder(), logger: logger)
        // Before `notify` can reach the dispatcher, so the rules' alerts come after the stored ones.
        try await dispatcher.restore()
        let delivery = NotificationDelivery(store: store, logger: logger)
        state.set(Opened(store: store, dispatcher: dispatcher, delivery: delivery))
        let reloads = self.reloads
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { tasks in
                tasks.addTask { await dispatcher.run() }
                tasks.addTask { await delivery.run() }
                tasks.addTask { await Self.cleanUp(store, logger: self.logger) }
                for await alerting in reloads {
                    do {
                        try await dispatcher.apply(alerting, builder: builder())
                    } catch {
                        logger.error("notification routes not reloaded", metadata: ["error": "\(error)"])
                    }
                }
                tasks.cancelAll()
            }
        } onGracefulShutdown: { [reloadsContinuation] in
            reloadsContinuation.finish()
        }
    }

    private func builder() -> WebhookNotificationBuilder {
        WebhookNotificationBuilder(externalURL: externalURL.withLock { $0 }, userAgent: Self.userAgent)
    }

    private static var userAgent: String { "Osprey/\(BuildInfo.version)" }

    private func waitUntilOpen() async -> Opened? {
        try? await state.wait()
    }

    /// Hourly: forgets notification log entries and expired silences older than the retention.
    private static func cleanUp(_ store: AlertingStore, logger: Logger) async {
        while !Task.isCancelled {
            let cutoff = Date().addingTimeInterval(-retention)
            do {
                try await store.pruneNotificationLog(sentBefore: cutoff)
                try await store.silences.deleteExpired(endedBefore: cutoff)
            } catch {
                logger.error("alerting clean-up failed", metadata: ["error": "\(error)"])
            }
            do { try await Task.sleep(for: .seconds(3600)) } catch { return }
        }
    }
}
