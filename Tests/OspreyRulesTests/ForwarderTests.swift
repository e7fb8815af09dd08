import Foundation
import OspreyConfig
import OspreyModel
import OspreyNotification
import Testing

@testable import OspreyRules

/// Alerts forwarded to Alertmanagers as Prometheus posts them to `/api/v2/alerts`.
@Suite struct ForwarderTests {
    static let now = Date(timeIntervalSince1970: 1_714_564_800)

    private func alert(_ name: String, endsIn seconds: TimeInterval = 240) -> Alert {
        Alert(
            labels: Labels(["alertname": name, "cluster": "eu1"]), annotations: Labels(["summary": "s"]),
            startsAt: Self.now.addingTimeInterval(-60), endsAt: Self.now.addingTimeInterval(seconds), generatorURL: "http://osprey/g")
    }

    @Test func oneRequestPerAlertmanagerWithPrometheusBody() throws {
        let alertmanager = AlertingAlertmanagerConfiguration(
            staticConfigs: [StaticConfiguration(targets: ["am1:9093", "am2:9093"])], scheme: "https", pathPrefix: "/am/",
            basicAuth: BasicAuth(username: "u", password: "p"))
        let forwarder = AlertmanagerForwarder(alertmanagers: [alertmanager], userAgent: "Osprey/1.0")
        let notifications = try forwarder.notifications(for: [alert("Down")])
        #expect(notifications.map(\.url) == ["https://am1:9093/am/api/v2/alerts", "https://am2:9093/am/api/v2/alerts"])
        #expect(notifications[0].headers == ["Content-Type": "application/json", "User-Agent": "Osprey/1.0", "Authorization": "Basic dTpw"])
        let body = try #require(try JSONSerialization.jsonObject(with: notifications[0].body) as? [[String: Any]])
        #expect(body.count == 1)
        #expect(body[0]["labels"] as? [String: String] == ["alertname": "Down", "cluster": "eu1"])
        #expect(body[0]["annotations"] as? [String: String] == ["summary": "s"])
        #expect(body[0]["startsAt"] as? String == "2024-05-01T11:59:00.000Z")
        #expect(body[0]["endsAt"] as? String == "2024-05-01T12:04:00.000Z")
        #expect(body[0]["generatorURL"] as? String == "http://osprey/g")
    }

    @Test func theDefaultPathAndBatchesOf64() throws {
        let forwarder = AlertmanagerForwarder(alertmanagers: [
            AlertingAlertmanagerConfiguration(staticConfigs: [StaticConfiguration(targets: ["am:9093"])])
        ])
        let notifications = try forwarder.notifications(for: (0..<65).map { alert("A\($0)") })
        #expect(notifications.map(\.url) == ["http://am:9093/api/v2/alerts", "http://am:9093/api/v2/alerts"])
        let sizes = try notifications.map { try #require(try JSONSerialization.jsonObject(with: $0.body) as? [Any]).count }
        #expect(sizes == [64, 1])
        #expect(try forwarder.notifications(for: []).isEmpty)
    }

    @Test func forwardingQueuesIntoTheOutbox() async throws {
        let outbox = MemoryOutbox()
        let forwarder = AlertmanagerForwarder(alertmanagers: [
            AlertingAlertmanagerConfiguration(staticConfigs: [StaticConfiguration(targets: ["am:9093"])])
        ])
        try await forwarder.forward([alert("Firing"), alert("Over", endsIn: -1)], at: Self.now, into: outbox)
        let queued = await outbox.notifications
        #expect(queued.count == 1)
        let entry = try #require(await outbox.lastNotified(receiver: "alertmanager", groupKey: "http://am:9093/api/v2/alerts"))
        #expect(entry.firing == [alert("Firing").labels.alertmanagerFingerprint])
        #expect(entry.resolved == [alert("Over").labels.alertmanagerFingerprint])
    }
}
