import Foundation
import OspreyConfig
import OspreyModel

/// Turns one flush of an alert group into the webhook requests its receiver is owed.
public struct WebhookNotificationBuilder: Sendable {
    /// Alertmanager's external URL, which payloads link back to.
    public var externalURL: String
    /// Sent as `User-Agent`, `Osprey/<version>`.
    public var userAgent: String

    public init(externalURL: String = "", userAgent: String = "Osprey") {
        self.externalURL = externalURL
        self.userAgent = userAgent
    }

    /// One notification per webhook of `receiver` that has something to say about `alerts`
    /// (in notification order, silenced ones already left out) as of `now`.
    public func notifications(
        receiver: AlertingReceiverConfiguration, groupKey: String, groupLabels: Labels, alerts: [Alert], at now: Date
    ) throws(NotificationCredentialsError) -> [Notification] {
        var notifications: [Notification] = []
        for webhook in receiver.webhookConfigs {
            var sent = alerts
            if !webhook.sendResolved {
                sent = alerts.filter { !$0.isResolved(at: now) }
                if sent.isEmpty { continue }
            }
            let payload = WebhookPayload(
                receiver: receiver.name, groupKey: groupKey, groupLabels: groupLabels, alerts: sent, maxAlerts: webhook.maxAlerts,
                externalURL: externalURL, at: now)
            let url =
                try webhook.urlFile.map { (path) throws(NotificationCredentialsError) in try NotificationCredentials.read(path) }
                ?? webhook.url ?? ""
            let headers = try NotificationCredentials.headers(
                userAgent: userAgent, authorization: webhook.httpConfig.authorization, basicAuth: webhook.httpConfig.basicAuth)
            notifications.append(
                Notification(receiver: receiver.name, groupKey: groupKey, url: url, headers: headers, body: payload.json))
        }
        return notifications
    }
}
