import Foundation
import OspreyGoCompat
import OspreyModel

/// Alertmanager's webhook body, version 4: what a receiver's endpoint gets for one alert group.
public struct WebhookPayload: Sendable, Hashable {
    /// One alert as the payload shows it.
    public struct Alert: Sendable, Hashable {
        public var status: String
        public var labels: Labels
        public var annotations: Labels
        public var startsAt: Date
        /// Nil while firing: Alertmanager hides an end that is still to come (Go's zero time).
        public var endsAt: Date?
        public var generatorURL: String
        public var fingerprint: String
    }

    /// The receiver name, regex-quoted as Alertmanager sends it.
    public var receiver: String
    /// `firing` if any alert fires, else `resolved`.
    public var status: String
    public var alerts: [Alert]
    public var groupLabels: Labels
    /// Labels and annotations every alert of the payload has, with equal values.
    public var commonLabels: Labels
    public var commonAnnotations: Labels
    public var externalURL: String
    public var version: String
    public var groupKey: String
    /// How many alerts `max_alerts` left out.
    public var truncatedAlerts: Int

    /// The payload for `alerts` (in notification order) as of `now`, at most `maxAlerts` of them (0 is all).
    public init(
        receiver: String, groupKey: String, groupLabels: Labels, alerts: [OspreyNotification.Alert], maxAlerts: Int = 0,
        externalURL: String, at now: Date
    ) {
        let kept = maxAlerts > 0 && alerts.count > maxAlerts ? Array(alerts.prefix(maxAlerts)) : alerts
        self.receiver = GoText.regexQuoted(receiver)
        self.alerts = kept.map { alert in
            let resolved = alert.isResolved(at: now)
            return Alert(
                status: resolved ? "resolved" : "firing", labels: alert.labels, annotations: alert.annotations,
                startsAt: alert.startsAt, endsAt: resolved ? alert.endsAt : nil, generatorURL: alert.generatorURL,
                fingerprint: alert.labels.alertmanagerFingerprintText)
        }
        status = self.alerts.contains { $0.status == "firing" } ? "firing" : "resolved"
        self.groupLabels = groupLabels
        commonLabels = Self.common(kept.map(\.labels))
        commonAnnotations = Self.common(kept.map(\.annotations))
        self.externalURL = externalURL
        version = "4"
        self.groupKey = groupKey
        truncatedAlerts = alerts.count - kept.count
    }

    private static func common(_ sets: [Labels]) -> Labels {
        guard let first = sets.first else { return Labels() }
        return Labels(first.filter { label in sets.dropFirst().allSatisfy { $0[label.name].map { sameBytes($0, label.value) } ?? false } })
    }

    /// The body as Alertmanager's Go encoder writes it: fields in its order, map keys sorted,
    /// HTML characters escaped, a newline at the end.
    public var json: Data {
        var text = "{\"receiver\":\(GoText.jsonString(receiver)),\"status\":\(GoText.jsonString(status)),\"alerts\":["
        text += alerts.map { alert in
            "{\"status\":\(GoText.jsonString(alert.status)),\"labels\":\(Self.object(alert.labels)),"
                + "\"annotations\":\(Self.object(alert.annotations)),"
                + "\"startsAt\":\"\(alert.startsAt.rfc3339Nano)\","
                + "\"endsAt\":\"\(alert.endsAt?.rfc3339Nano ?? GoTime.zero)\","
                + "\"generatorURL\":\(GoText.jsonString(alert.generatorURL)),\"fingerprint\":\(GoText.jsonString(alert.fingerprint))}"
        }.joined(separator: ",")
        text += "],\"groupLabels\":\(Self.object(groupLabels)),\"commonLabels\":\(Self.object(commonLabels)),"
        text += "\"commonAnnotations\":\(Self.object(commonAnnotations)),\"externalURL\":\(GoText.jsonString(externalURL)),"
        text += "\"version\":\(GoText.jsonString(version)),\"groupKey\":\(GoText.jsonString(groupKey)),"
        text += "\"truncatedAlerts\":\(truncatedAlerts)}\n"
        return Data(text.utf8)
    }

    private static func object(_ labels: Labels) -> String {
        GoText.jsonObject(labels.map { ($0.name, $0.value) })
    }
}
