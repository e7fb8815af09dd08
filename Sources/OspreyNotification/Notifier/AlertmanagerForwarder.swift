import Foundation
import OspreyConfig
import OspreyGoCompat
import OspreyModel

/// Sends every alert to the configured Alertmanagers, as Prometheus's notifier does: a POST of
/// a JSON list of alerts to `/api/v2/alerts` of each target, at most 64 alerts a request.
public struct AlertmanagerForwarder: Sendable {
    public var alertmanagers: [AlertingAlertmanagerConfiguration]
    /// Sent as `User-Agent`, `Osprey/<version>`.
    public var userAgent: String

    /// Receiver name of forwarding notifications in the outbox and its log.
    public static let receiver = "alertmanager"
    /// Prometheus's batch size for one request.
    public static let batchSize = 64

    public init(alertmanagers: [AlertingAlertmanagerConfiguration], userAgent: String = "Osprey") {
        self.alertmanagers = alertmanagers
        self.userAgent = userAgent
    }

    /// The requests that carry `alerts` to every Alertmanager; the group key is the target URL,
    /// so each Alertmanager gets its batches in order.
    public func notifications(for alerts: [Alert]) throws(NotificationCredentialsError) -> [Notification] {
        guard !alerts.isEmpty else { return [] }
        var notifications: [Notification] = []
        for alertmanager in alertmanagers {
            let headers = try NotificationCredentials.headers(
                userAgent: userAgent, authorization: alertmanager.authorization, basicAuth: alertmanager.basicAuth)
            for url in alertmanager.alertsURLs {
                for start in stride(from: 0, to: alerts.count, by: Self.batchSize) {
                    let batch = alerts[start..<min(start + Self.batchSize, alerts.count)]
                    notifications.append(
                        Notification(receiver: Self.receiver, groupKey: url, url: url, headers: headers, body: Self.body(batch)))
                }
            }
        }
        return notifications
    }

    /// Queues `alerts` for every Alertmanager, logging what was sent under each target URL.
    public func forward(_ alerts: [Alert], at now: Date, into outbox: any NotificationOutbox) async throws {
        let notifications = try notifications(for: alerts)
        var firing: Set<UInt64> = []
        var resolved: Set<UInt64> = []
        for alert in alerts {
            if alert.isResolved(at: now) {
                resolved.insert(alert.labels.alertmanagerFingerprint)
            } else {
                firing.insert(alert.labels.alertmanagerFingerprint)
            }
        }
        let entry = NotificationLogEntry(firing: firing, resolved: resolved, sentAt: now)
        for (url, batches) in Dictionary(grouping: notifications, by: \.url).sorted(by: { $0.key < $1.key }) {
            try await outbox.enqueue(batches, notified: entry, receiver: Self.receiver, groupKey: url)
        }
    }

    /// Alertmanager's `PostableAlerts` as Prometheus encodes them: times with milliseconds,
    /// empty annotations and generator URL left out.
    static func body(_ alerts: ArraySlice<Alert>) -> Data {
        let items = alerts.map { alert in
            var fields: [String] = []
            if !alert.annotations.isEmpty {
                fields.append("\"annotations\":" + GoText.jsonObject(alert.annotations.map { ($0.name, $0.value) }))
            }
            fields.append("\"endsAt\":\"\(alert.endsAt.rfc3339Millis)\"")
            fields.append("\"startsAt\":\"\(alert.startsAt.rfc3339Millis)\"")
            if !alert.generatorURL.isEmpty { fields.append("\"generatorURL\":" + GoText.jsonString(alert.generatorURL)) }
            fields.append("\"labels\":" + GoText.jsonObject(alert.labels.map { ($0.name, $0.value) }))
            return "{" + fields.joined(separator: ",") + "}"
        }
        return Data(("[" + items.joined(separator: ",") + "]").utf8)
    }
}
