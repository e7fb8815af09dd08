import Foundation
import OspreyConfig
import OspreyModel
import OspreyNotification
import Testing

@testable import OspreyRules

/// Alerts outlive a restart of Osprey, as they outlive a Prometheus restart in Alertmanager: a
/// firing alert no longer sent resolves when its `endsAt` passes, and the receiver hears so.
@Suite struct DispatcherPersistenceTests {
    static let start = Date(timeIntervalSince1970: 1_714_564_800)

    private static let configuration = """
        alerting:
          route:
            receiver: hook
            group_by: [alertname]
            group_wait: 0s
            group_interval: 1m
            repeat_interval: 4h
          receivers:
            - name: hook
              webhook_configs:
                - url: http://hooks.example/
                  send_resolved: true
        """

    private func dispatcher(_ store: AlertingStore, clock: ManualClock) throws -> AlertDispatcher {
        try AlertDispatcher(
            configuration: try ConfigFile.parse(Self.configuration, file: "osprey.yml").alerting, outbox: store,
            silencer: NameSilencer(silencedNames: []), persistence: store, now: { clock.now })
    }

    /// What each queued notification says: its status and the status of each alert by instance.
    private func sent(_ store: AlertingStore) async throws -> [String] {
        try await store.pendingNotifications().map { pending in
            let payload = try #require(try JSONSerialization.jsonObject(with: pending.notification.body) as? [String: Any])
            let alerts = (payload["alerts"] as? [[String: Any]] ?? []).map { alert in
                "\((alert["labels"] as? [String: String])?["instance"] ?? "?")=\(alert["status"] as? String ?? "?")"
            }
            return "\(payload["status"] as? String ?? "?") \(alerts.joined(separator: ","))"
        }
    }

    @Test func aFiringAlertNoLongerSentResolvesAfterARestart() async throws {
        let folder = try TemporaryAlertingFolder()
        let clock = ManualClock(Self.start)
        // As the rule manager sends it: ending a few evaluation intervals from now.
        let alert = Alert(
            labels: Labels(["alertname": "Down", "instance": "a"]), annotations: Labels(["summary": "a is down"]),
            startsAt: clock.now, endsAt: clock.now.addingTimeInterval(240), generatorURL: "http://osprey/graph")
        do {
            let store = try folder.openStore()
            try await dispatcher(store, clock: clock).receive([alert])
            #expect(try await sent(store) == ["firing a=firing"])
        }

        clock.advance(by: 30)
        do {
            let store = try folder.openStore()
            let restarted = try dispatcher(store, clock: clock)
            try await restarted.restore()
            #expect(await restarted.groupKeys == [#"{}:{alertname="Down"}"#])
            #expect(try await sent(store) == ["firing a=firing"], "the receiver already knows it fires")

            clock.advance(by: 240)
            await restarted.flushDue()
            #expect(try await sent(store) == ["firing a=firing", "resolved a=resolved"])
            #expect(await restarted.groupKeys.isEmpty)
        }

        let store = try folder.openStore()
        let third = try dispatcher(store, clock: clock)
        try await third.restore()
        #expect(await third.groupKeys.isEmpty)
        #expect(try await store.loadAlerts().isEmpty)
        #expect(try await sent(store).count == 2)
    }

    @Test func anAlertFiringAcrossARestartIsNotSentAgainWhenUpdated() async throws {
        let folder = try TemporaryAlertingFolder()
        let clock = ManualClock(Self.start)
        let alert = Alert(
            labels: Labels(["alertname": "Down", "instance": "a"]), annotations: Labels(), startsAt: clock.now,
            endsAt: clock.now.addingTimeInterval(240), generatorURL: "")
        do {
            let store = try folder.openStore()
            try await dispatcher(store, clock: clock).receive([alert])
        }
        clock.advance(by: 120)
        let store = try folder.openStore()
        let restarted = try dispatcher(store, clock: clock)
        try await restarted.restore()
        var update = alert
        update.startsAt = clock.now
        update.endsAt = clock.now.addingTimeInterval(240)
        await restarted.receive([update])
        #expect(try await sent(store) == ["firing a=firing"])
        let kept = try await store.loadAlerts()
        #expect(kept.map(\.startsAt) == [Self.start], "the restored alert still began before the restart")
        #expect(kept.map(\.endsAt) == [update.endsAt])
    }
}
