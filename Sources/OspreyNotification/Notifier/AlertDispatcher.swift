import Foundation
import Logging
import OspreyConfig
import OspreyModel

/// Alertmanager's dispatcher inside Osprey: routes alerts into aggregation groups and, on each
/// group's timers, queues webhook notifications into the outbox, deduplicated against the
/// notification log and with silenced alerts left out. With a persistence, the alerts it holds
/// outlive a restart: `restore()` takes them back.
public actor AlertDispatcher {
    private var routes: RouteTree?
    private var receivers: [String: AlertingReceiverConfiguration] = [:]
    private let outbox: any NotificationOutbox
    private let silencer: any AlertSilencer
    private let persistence: (any AlertStatePersistence)?
    private var builder: WebhookNotificationBuilder
    private let logger: Logger
    private let now: @Sendable () -> Date

    /// Every alert received and not yet resolved and notified, by fingerprint; groups are rebuilt from it on reload.
    private var alerts: [UInt64: Alert] = [:]
    private var groups: [AggregationGroup.ID: AggregationGroup] = [:]
    /// Groups with a flush under way, which a second caller must not start again meanwhile.
    private var flushing: Set<AggregationGroup.ID> = []
    /// The sleep of `run()`, cut short when a group may need flushing sooner.
    private var sleep: Task<Void, Never>?
    /// The last write to `persistence`. Each write waits for the one before, so the store sees
    /// the alerts change in the order they changed here, though the actor runs other calls
    /// while a write is under way.
    private var persisting: Task<Void, Never>?

    /// A dispatcher for `configuration`, keeping its alerts in `persistence` if given; `now` is
    /// its clock, injectable for tests.
    public init(
        configuration: AlertingConfiguration, outbox: any NotificationOutbox, silencer: any AlertSilencer,
        persistence: (any AlertStatePersistence)? = nil,
        builder: WebhookNotificationBuilder = WebhookNotificationBuilder(), logger: Logger = Logger(label: "osprey.notifier"),
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws(LabelMatcher.InvalidRegex) {
        self.outbox = outbox
        self.silencer = silencer
        self.persistence = persistence
        self.builder = builder
        self.logger = logger
        self.now = now
        routes = try configuration.route.map { (route) throws(LabelMatcher.InvalidRegex) in try RouteTree(route) }
        receivers = Dictionary(configuration.receivers.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Takes the rule manager's active alerts (firing ones ending in the future, resolved ones
    /// ending at their resolve time) into their groups, then flushes every group that is due,
    /// so that with `group_wait: 0s` the notification is queued when this returns. The alerts
    /// are persisted first, so none that a receiver was told about is lost to a restart.
    public func receive(_ received: [Alert]) async {
        let time = now()
        var changed: [Alert] = []
        for alert in received {
            let fingerprint = alert.labels.alertmanagerFingerprint
            var merged = alert
            // An update of an alert that is still the same occurrence keeps when it began.
            if let old = alerts[fingerprint], alert.endsAt > old.startsAt, alert.startsAt < old.endsAt {
                merged.startsAt = min(old.startsAt, alert.startsAt)
            }
            alerts[fingerprint] = merged
            changed.append(merged)
            place(merged, fingerprint: fingerprint, at: time)
        }
        await persist { [changed] in try await $0.saveAlerts(changed) }
        sleep?.cancel()
        await flushDue()
    }

    /// Takes the alerts persisted before a restart back into their groups, as `receive` would.
    /// The notification log keeps receivers from hearing again what they were told already, and
    /// an alert that is no longer sent resolves when its `endsAt` passes.
    public func restore() async throws {
        guard let persistence else { return }
        let time = now()
        for alert in try await persistence.loadAlerts() {
            let fingerprint = alert.labels.alertmanagerFingerprint
            // An alert received since the start is newer than the stored one.
            guard alerts[fingerprint] == nil else { continue }
            alerts[fingerprint] = alert
            place(alert, fingerprint: fingerprint, at: time)
        }
        sleep?.cancel()
        await flushDue()
    }

    /// Switches to a reloaded config: routes rebuilt, groups re-created from the alerts held.
    /// What receivers were last told stays in the outbox's log, so nothing is sent twice.
    public func apply(
        _ configuration: AlertingConfiguration, builder: WebhookNotificationBuilder? = nil
    ) async throws(LabelMatcher.InvalidRegex) {
        if let builder { self.builder = builder }
        routes = try configuration.route.map { (route) throws(LabelMatcher.InvalidRegex) in try RouteTree(route) }
        receivers = Dictionary(configuration.receivers.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        groups = [:]
        let time = now()
        for (fingerprint, alert) in alerts { place(alert, fingerprint: fingerprint, at: time) }
        sleep?.cancel()
        await flushDue()
    }

    /// Flushes every group whose timer has run out.
    public func flushDue() async {
        let time = now()
        let due = groups.filter { $0.value.nextFlush <= time }.sorted { $0.value.nextFlush < $1.value.nextFlush }.map(\.key)
        for id in due where !flushing.contains(id) {
            await flush(id, at: time)
        }
        let forgotten = forgetNotifiedAlerts()
        if !forgotten.isEmpty { await persist { try await $0.removeAlerts(forgotten) } }
    }

    /// When the next group is due, if any.
    public var nextFlush: Date? {
        groups.values.map(\.nextFlush).min()
    }

    /// Group keys of the groups held now, for status pages and tests.
    public var groupKeys: [String] {
        groups.values.map(\.groupKey).sorted()
    }

    /// Drives the group timers until the task is cancelled.
    public func run() async {
        while !Task.isCancelled {
            await flushDue()
            let delay = nextFlush.map { max(0, $0.timeIntervalSince(now())) } ?? 3600
            let sleeper = Task<Void, Never> { _ = try? await Task.sleep(for: .seconds(delay)) }
            sleep = sleeper
            await withTaskCancellationHandler {
                await sleeper.value
            } onCancel: {
                sleeper.cancel()
            }
            sleep = nil
        }
    }

    private func place(_ alert: Alert, fingerprint: UInt64, at time: Date) {
        guard let routes else { return }
        for route in routes.matchingRoutes(alert.labels) {
            let groupLabels = route.grouping.groupLabels(of: alert.labels)
            let id = AggregationGroup.ID(routeID: route.id, groupLabels: groupLabels)
            var group = groups[id] ?? AggregationGroup(route: route, groupLabels: groupLabels, createdAt: time)
            group.insert(alert, fingerprint: fingerprint, now: time)
            groups[id] = group
        }
    }

    private func flush(_ id: AggregationGroup.ID, at time: Date) async {
        guard var group = groups[id] else { return }
        flushing.insert(id)
        defer { flushing.remove(id) }
        group.nextFlush = time.addingTimeInterval(group.route.groupInterval.seconds)
        group.hasFlushed = true
        groups[id] = group

        let snapshot = group.alerts
        let audible = snapshot.values.filter { !silencer.isSilenced($0.labels, at: time) }.sorted(by: Alert.alertmanagerOrder)
        guard await notify(group, alerts: audible, at: time) else { return }

        // Resolved alerts are done once notified, unless they were updated while this flush waited.
        guard var current = groups[id] else { return }
        for (fingerprint, alert) in snapshot where alert.isResolved(at: time) && current.alerts[fingerprint] == alert {
            current.alerts[fingerprint] = nil
        }
        groups[id] = current.alerts.isEmpty ? nil : current
    }

    /// Queues the group's notifications if the dedup stage finds news; false when that failed
    /// and the group should be tried again at its next flush.
    private func notify(_ group: AggregationGroup, alerts: [Alert], at time: Date) async -> Bool {
        guard !alerts.isEmpty, let receiver = receivers[group.route.receiver], !receiver.webhookConfigs.isEmpty else { return true }
        var firing: Set<UInt64> = []
        var resolved: Set<UInt64> = []
        for alert in alerts {
            if alert.isResolved(at: time) {
                resolved.insert(alert.labels.alertmanagerFingerprint)
            } else {
                firing.insert(alert.labels.alertmanagerFingerprint)
            }
        }
        do {
            let last = try await outbox.lastNotified(receiver: receiver.name, groupKey: group.groupKey)
            let sendResolved = receiver.webhookConfigs.contains(where: \.sendResolved)
            guard
                NotificationDeduplication.needsNotification(
                    last: last, firing: firing, resolved: resolved, sendResolved: sendResolved,
                    repeatInterval: group.route.repeatInterval, now: time)
            else { return true }
            let notifications = try builder.notifications(
                receiver: receiver, groupKey: group.groupKey, groupLabels: group.groupLabels, alerts: alerts, at: time)
            // Queued even when empty (only resolved alerts, send_resolved off): the log must
            // still learn that the firing alerts are over.
            try await outbox.enqueue(
                notifications, notified: NotificationLogEntry(firing: firing, resolved: resolved, sentAt: time),
                receiver: receiver.name, groupKey: group.groupKey)
            return true
        } catch {
            logger.error(
                "cannot queue notification", metadata: ["receiver": "\(receiver.name)", "group": "\(group.groupKey)", "error": "\(error)"])
            return false
        }
    }

    /// Drops resolved alerts no group holds any more, as they have been notified, and tells
    /// which they were.
    private func forgetNotifiedAlerts() -> Set<UInt64> {
        let held = Set(groups.values.flatMap(\.alerts.keys))
        let time = now()
        let forgotten = alerts.filter { !held.contains($0.key) && $0.value.isResolved(at: time) }.keys
        for fingerprint in forgotten { alerts[fingerprint] = nil }
        return Set(forgotten)
    }

    /// Writes to the persistence, if any, after the writes issued before. A failure is logged
    /// and otherwise ignored: the alerts are still held here, and rules send firing ones again.
    private func persist(_ write: @escaping @Sendable (any AlertStatePersistence) async throws -> Void) async {
        guard let persistence else { return }
        let previous = persisting
        let logger = logger
        let task = Task {
            await previous?.value
            do {
                try await write(persistence)
            } catch {
                logger.error("alerts not persisted", metadata: ["error": "\(error)"])
            }
        }
        persisting = task
        await task.value
    }
}
