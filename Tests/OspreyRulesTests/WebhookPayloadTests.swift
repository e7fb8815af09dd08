import Foundation
import OspreyConfig
import OspreyModel
import OspreyNotification
import Testing

@testable import OspreyRules

/// The version 4 webhook body a receiver's endpoint gets, field by field as Alertmanager writes it.
@Suite struct WebhookPayloadTests {
    static let now = Date(timeIntervalSince1970: 1_714_564_800)  // 2024-05-01T12:00:00Z

    static let firing = Alert(
        labels: Labels(["alertname": "HighLatency", "job": "api", "instance": "b:1"]),
        annotations: Labels(["summary": "p99 > 1s", "runbook": "https://runbooks/latency"]),
        startsAt: now.addingTimeInterval(-90.5), endsAt: now.addingTimeInterval(240), generatorURL: "http://osprey/graph?g0.expr=x")
    static let resolved = Alert(
        labels: Labels(["alertname": "HighLatency", "job": "api", "instance": "a:1"]),
        annotations: Labels(["summary": "p99 > 1s"]),
        startsAt: now.addingTimeInterval(-3600), endsAt: now.addingTimeInterval(-0.25), generatorURL: "")

    private func object(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func everyFieldOfVersion4() throws {
        let alerts = [Self.firing, Self.resolved].sorted(by: Alert.alertmanagerOrder)
        let payload = WebhookPayload(
            receiver: "team.pager", groupKey: #"{}:{alertname="HighLatency"}"#, groupLabels: Labels(["alertname": "HighLatency"]),
            alerts: alerts, externalURL: "http://osprey:9300", at: Self.now)
        let json = try object(payload.json)
        #expect(json["receiver"] as? String == #"team\.pager"#, "regex-quoted, as Alertmanager sends it")
        #expect(json["status"] as? String == "firing")
        #expect(json["groupLabels"] as? [String: String] == ["alertname": "HighLatency"])
        #expect(json["commonLabels"] as? [String: String] == ["alertname": "HighLatency", "job": "api"])
        #expect(json["commonAnnotations"] as? [String: String] == ["summary": "p99 > 1s"])
        #expect(json["externalURL"] as? String == "http://osprey:9300")
        #expect(json["version"] as? String == "4")
        #expect(json["groupKey"] as? String == #"{}:{alertname="HighLatency"}"#)
        #expect(json["truncatedAlerts"] as? Int == 0)

        let sent = try #require(json["alerts"] as? [[String: Any]])
        #expect(sent.count == 2)
        #expect((sent[0]["labels"] as? [String: String])?["instance"] == "a:1", "ordered by job, then instance")
        #expect(sent[0]["status"] as? String == "resolved")
        #expect(sent[0]["startsAt"] as? String == "2024-05-01T11:00:00Z")
        #expect(sent[0]["endsAt"] as? String == "2024-05-01T11:59:59.75Z")
        #expect(sent[0]["generatorURL"] as? String == "")
        #expect(sent[0]["fingerprint"] as? String == Self.resolved.labels.alertmanagerFingerprintText)
        #expect(sent[1]["status"] as? String == "firing")
        #expect(sent[1]["startsAt"] as? String == "2024-05-01T11:58:29.5Z")
        #expect(sent[1]["endsAt"] as? String == "0001-01-01T00:00:00Z", "a firing alert's end is hidden")
        #expect(sent[1]["annotations"] as? [String: String] == ["summary": "p99 > 1s", "runbook": "https://runbooks/latency"])
        #expect(sent[1]["generatorURL"] as? String == "http://osprey/graph?g0.expr=x")
    }

    @Test func bytesAreThoseOfGosEncoder() {
        let alert = Alert(
            labels: Labels(["b": "<x & y>", "a": "1"]), annotations: Labels(), startsAt: Self.now, endsAt: Self.now.addingTimeInterval(60),
            generatorURL: "")
        let payload = WebhookPayload(
            receiver: "r", groupKey: "{}:{}", groupLabels: Labels(), alerts: [alert], externalURL: "", at: Self.now)
        let expected =
            #"{"receiver":"r","status":"firing","alerts":[{"status":"firing","labels":{"a":"1","b":"\u003cx \u0026 y\u003e"},"#
            + #""annotations":{},"startsAt":"2024-05-01T12:00:00Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"","#
            + #""fingerprint":"\#(alert.labels.alertmanagerFingerprintText)"}],"groupLabels":{},"#
            + #""commonLabels":{"a":"1","b":"\u003cx \u0026 y\u003e"},"commonAnnotations":{},"externalURL":"","version":"4","#
            + #""groupKey":"{}:{}","truncatedAlerts":0}"# + "\n"
        #expect(String(decoding: payload.json, as: UTF8.self) == expected)
    }

    @Test func maxAlertsTruncatesAndCountsTheRest() throws {
        let alerts = (1...5).map { index in
            Alert(
                labels: Labels(["alertname": "Down", "instance": "host\(index)"]), annotations: Labels(), startsAt: Self.now,
                endsAt: Self.now.addingTimeInterval(60), generatorURL: "")
        }
        let payload = WebhookPayload(
            receiver: "r", groupKey: "k", groupLabels: Labels(), alerts: alerts, maxAlerts: 2, externalURL: "", at: Self.now)
        #expect(payload.alerts.map { $0.labels["instance"] } == ["host1", "host2"])
        #expect(payload.truncatedAlerts == 3)
        #expect(try object(payload.json)["truncatedAlerts"] as? Int == 3)
    }

    @Test func onlyResolvedAlertsMakeAResolvedPayload() {
        let payload = WebhookPayload(
            receiver: "r", groupKey: "k", groupLabels: Labels(), alerts: [Self.resolved], externalURL: "", at: Self.now)
        #expect(payload.status == "resolved")
    }

    @Test func notificationsCarryHeadersAndCredentials() throws {
        let secret = FileManager.default.temporaryDirectory.appendingPathComponent("osprey-webhook-\(UUID().uuidString)")
        try "t0ken\n".write(to: secret, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: secret) }
        let receiver = AlertingReceiverConfiguration(
            name: "ops",
            webhookConfigs: [
                AlertingWebhookConfiguration(
                    url: "http://hooks.example/a", httpConfig: AlertingHTTPConfiguration(authorization: Authorization(credentialsFile: secret.path))),
                AlertingWebhookConfiguration(
                    url: "http://hooks.example/b", sendResolved: false,
                    httpConfig: AlertingHTTPConfiguration(basicAuth: BasicAuth(username: "u", password: "p"))),
            ])
        let builder = WebhookNotificationBuilder(externalURL: "http://osprey", userAgent: "Osprey/1.2.3")
        let notifications = try builder.notifications(
            receiver: receiver, groupKey: "k", groupLabels: Labels(), alerts: [Self.resolved, Self.firing], at: Self.now)
        #expect(notifications.map(\.url) == ["http://hooks.example/a", "http://hooks.example/b"])
        #expect(
            notifications[0].headers == [
                "Content-Type": "application/json", "User-Agent": "Osprey/1.2.3", "Authorization": "Bearer t0ken",
            ])
        #expect(notifications[1].headers["Authorization"] == "Basic dTpw")
        #expect(notifications.allSatisfy { $0.receiver == "ops" && $0.groupKey == "k" })
        #expect(try (object(notifications[0].body)["alerts"] as? [Any])?.count == 2)
        #expect(try (object(notifications[1].body)["alerts"] as? [Any])?.count == 1, "send_resolved: false leaves the resolved one out")

        let onlyResolved = try builder.notifications(
            receiver: receiver, groupKey: "k", groupLabels: Labels(), alerts: [Self.resolved], at: Self.now)
        #expect(onlyResolved.map(\.url) == ["http://hooks.example/a"], "nothing left for the send_resolved: false hook")
    }

    @Test func anUnreadableCredentialsFileIsAnErrorNamingIt() {
        let receiver = AlertingReceiverConfiguration(
            name: "ops",
            webhookConfigs: [
                AlertingWebhookConfiguration(
                    url: "http://h/", httpConfig: AlertingHTTPConfiguration(authorization: Authorization(credentialsFile: "/nonexistent/token")))
            ])
        #expect(throws: NotificationCredentialsError.self) {
            try WebhookNotificationBuilder().notifications(
                receiver: receiver, groupKey: "k", groupLabels: Labels(), alerts: [Self.firing], at: Self.now)
        }
    }
}
