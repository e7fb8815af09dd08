import Foundation
import OspreyConfig
import OspreyModel
import OspreyNotification
import Testing

@testable import OspreyRules

/// The dispatcher's timing and deduplication, as a receiver sees them: what arrives, when, and
/// in how many notifications. Time is a hand-moved clock.
@Suite struct DispatcherTests {
    static let start = Date(timeIntervalSince1970: 1_714_564_800)

    /// A dispatcher with one webhook receiver `hook` at the root and the given route settings,
    /// grouping by `alertname` unless they say otherwise.
    private func dispatcher(
        _ routeSettings: String = "group_wait: 0s", webhook: String = "", silenced: Set<String> = [], clock: ManualClock
    ) throws -> (AlertDispatcher, MemoryOutbox) {
        let settings = routeSettings.contains("group_by") ? routeSettings : "group_by: [alertname]\n" + routeSettings
        let yaml = """
            alerting:
              route:
                receiver: hook
                \(settings.split(separator: "\n").joined(separator: "\n    "))
              receivers:
                - name: hook
                  webhook_configs:
                    - url: http://hooks.example/
                      \(webhook.split(separator: "\n").joined(separator: "\n          "))
            """
        let configuration = try ConfigFile.parse(yaml, file: "osprey.yml").alerting
        let outbox = MemoryOutbox()
        let dispatcher = try AlertDispatcher(
            configuration: configuration, outbox: outbox, silencer: NameSilencer(silencedNames: silenced),
            now: { clock.now })
        return (dispatcher, outbox)
    }

    /// A firing alert that started at `clock.now`, ending well after the test.
    private func firing(_ name: String, instance: String = "a", clock: ManualClock, startedSecondsAgo: TimeInterval = 0) -> Alert {
        Alert(
            labels: Labels(["alertname": name, "instance": instance]), annotations: Labels(),
            startsAt: clock.now.addingTimeInterval(-startedSecondsAgo), endsAt: clock.now.addingTimeInterval(86_400), generatorURL: "")
    }

    private func resolved(_ alert: Alert, clock: ManualClock) -> Alert {
        var copy = alert
        copy.endsAt = clock.now
        return copy
    }

    private func payloads(_ outbox: MemoryOutbox) async throws -> [[String: Any]] {
        try await outbox.notifications.map { try #require(try JSONSerialization.jsonObject(with: $0.body) as? [String: Any]) }
    }

    private func instances(_ payload: [String: Any]) -> [String] {
        (payload["alerts"] as? [[String: Any]] ?? []).compactMap { ($0["labels"] as? [String: String])?["instance"] }
    }

    @Test func groupWaitZeroSendsAtOnce() async throws {
        let clock = ManualClock(Self.start)
        let (dispatcher, outbox) = try dispatcher(clock: clock)
        await dispatcher.receive([firing("Down", clock: clock)])
        let sent = try await payloads(outbox)
        #expect(sent.count == 1)
        #expect(sent.first?["status"] as? String == "firing")
        #expect(sent.first?["groupKey"] as? String == #"{}:{alertname="Down"}"#)
        #expect(await outbox.notifications.first?.url == "http://hooks.example/")
    }

    @Test func alertsWithTheSameGroupLabelsShareANotification() async throws {
        let clock = ManualClock(Self.start)
        let (dispatcher, outbox) = try dispatcher(clock: clock)
        await dispatcher.receive([
            firing("Down", instance: "b", clock: clock), firing("Down", instance: "a", clock: clock), firing("Slow", clock: clock),
        ])
        let sent = try await payloads(outbox)
        #expect(sent.count == 2, "one per group: Down and Slow")
        let down = try #require(sent.first { ($0["groupLabels"] as? [String: String]) == ["alertname": "Down"] })
        #expect(instances(down) == ["a", "b"])
    }

    @Test func groupWaitHoldsTheFirstNotification() async throws {
        let clock = ManualClock(Self.start)
        let (dispatcher, outbox) = try dispatcher("group_wait: 30s", clock: clock)
        await dispatcher.receive([firing("Down", clock: clock)])
        clock.advance(by: 10)
        await dispatcher.receive([firing("Down", instance: "b", clock: clock)])
        clock.advance(by: 19)
        await dispatcher.flushDue()
        #expect(await outbox.notifications.isEmpty)
        clock.advance(by: 1)
        await dispatcher.flushDue()
        let sent = try await payloads(outbox)
        #expect(sent.count == 1)
        #expect(instances(try #require(sent.first)) == ["a", "b"], "both waited for together")
    }

    @Test func anAlertThatStartedLongAgoSkipsTheWait() async throws {
        let clock = ManualClock(Self.start)
        let (dispatcher, outbox) = try dispatcher("group_wait: 30s", clock: clock)
        // As from a rule with `for: 5m`: active since long before it fires. Alertmanager flushes at once.
        await dispatcher.receive([firing("Down", clock: clock, startedSecondsAgo: 300)])
        #expect(await outbox.notifications.count == 1)
    }

    @Test func groupIntervalBatchesLaterAlerts() async throws {
        let clock = ManualClock(Self.start)
        let (dispatcher, outbox) = try dispatcher("group_wait: 0s\ngroup_interval: 5m", clock: clock)
        await dispatcher.receive([firing("Down", instance: "a", clock: clock)])
        clock.advance(by: 60)
        await dispatcher.receive([firing("Down", instance: "b", clock: clock)])
        clock.advance(by: 60)
        await dispatcher.receive([firing("Down", instance: "c", clock: clock)])
        #expect(await outbox.notifications.count == 1, "later alerts wait for the group interval")
        clock.advance(by: 180)
        await dispatcher.flushDue()
        let sent = try await payloads(outbox)
        #expect(sent.count == 2)
        #expect(instances(sent[1]) == ["a", "b", "c"])
    }

    @Test func unchangedGroupsAreSentAgainAfterTheRepeatInterval() async throws {
        let clock = ManualClock(Self.start)
        let (dispatcher, outbox) = try dispatcher("group_wait: 0s\ngroup_interval: 1m\nrepeat_interval: 10m", clock: clock)
        let alert = firing("Down", clock: clock)
        await dispatcher.receive([alert])
        for _ in 1...9 {
            clock.advance(by: 60)
            await dispatcher.receive([alert])
        }
        #expect(await outbox.notifications.count == 1, "nothing new within the repeat interval")
        clock.advance(by: 61)
        await dispatcher.flushDue()
        #expect(await outbox.notifications.count == 2)
    }

    @Test func resolvedAlertsAreSentOnceWithSendResolved() async throws {
        let clock = ManualClock(Self.start)
        let (dispatcher, outbox) = try dispatcher("group_wait: 0s\ngroup_interval: 1m", clock: clock)
        let alert = firing("Down", clock: clock)
        await dispatcher.receive([alert])
        clock.advance(by: 30)
        await dispatcher.receive([resolved(alert, clock: clock)])
        clock.advance(by: 30)
        await dispatcher.flushDue()
        let sent = try await payloads(outbox)
        #expect(sent.count == 2)
        #expect(sent[1]["status"] as? String == "resolved")
        let resolvedAlert = try #require((sent[1]["alerts"] as? [[String: Any]])?.first)
        #expect(resolvedAlert["endsAt"] as? String == "2024-05-01T12:00:30Z")
        #expect(await dispatcher.groupKeys.isEmpty, "a group whose alerts all resolved and were notified is deleted")
        clock.advance(by: 600)
        await dispatcher.flushDue()
        #expect(await outbox.notifications.count == 2)
    }

    @Test func noResolvedNotificationWithoutSendResolved() async throws {
        let clock = ManualClock(Self.start)
        let (dispatcher, outbox) = try dispatcher("group_wait: 0s\ngroup_interval: 1m", webhook: "send_resolved: false", clock: clock)
        let alert = firing("Down", clock: clock)
        await dispatcher.receive([alert])
        clock.advance(by: 30)
        await dispatcher.receive([resolved(alert, clock: clock)])
        clock.advance(by: 30)
        await dispatcher.flushDue()
        #expect(await outbox.notifications.count == 1)
        let entry = try #require(try await outbox.lastNotified(receiver: "hook", groupKey: #"{}:{alertname="Down"}"#))
        #expect(entry.firing.isEmpty, "the log still learns the alert is over")
        #expect(await dispatcher.groupKeys.isEmpty)

        // So that firing again is news again.
        clock.advance(by: 60)
        await dispatcher.receive([firing("Down", clock: clock)])
        clock.advance(by: 60)
        await dispatcher.flushDue()
        #expect(await outbox.notifications.count == 2)
    }

    @Test func silencedAlertsAreLeftOut() async throws {
        let clock = ManualClock(Self.start)
        let (dispatcher, outbox) = try dispatcher("group_wait: 0s\ngroup_by: ['...']", silenced: ["Muted"], clock: clock)
        await dispatcher.receive([firing("Muted", clock: clock)])
        #expect(await outbox.notifications.isEmpty)
        await dispatcher.receive([firing("Loud", clock: clock)])
        let sent = try await payloads(outbox)
        #expect(sent.count == 1)
        #expect((sent.first?["commonLabels"] as? [String: String])?["alertname"] == "Loud")
    }

    @Test func silencedMembersOfAGroupAreLeftOut() async throws {
        let clock = ManualClock(Self.start)
        let (dispatcher, outbox) = try dispatcher("group_wait: 0s\ngroup_by: [instance]", silenced: ["Muted"], clock: clock)
        await dispatcher.receive([firing("Muted", clock: clock), firing("Loud", clock: clock)])
        let sent = try await payloads(outbox)
        #expect(sent.count == 1)
        #expect((sent.first?["alerts"] as? [Any])?.count == 1)
    }

    @Test func maxAlertsTruncatesTheNotification() async throws {
        let clock = ManualClock(Self.start)
        let (dispatcher, outbox) = try dispatcher(webhook: "max_alerts: 2", clock: clock)
        await dispatcher.receive(["c", "a", "d", "b"].map { firing("Down", instance: $0, clock: clock) })
        let sent = try #require(try await payloads(outbox).first)
        #expect(instances(sent) == ["a", "b"])
        #expect(sent["truncatedAlerts"] as? Int == 2)
    }

    @Test func reloadKeepsWhatWasNotifiedAndReroutes() async throws {
        let clock = ManualClock(Self.start)
        let (dispatcher, outbox) = try dispatcher(clock: clock)
        await dispatcher.receive([firing("Down", clock: clock)])
        let same = try ConfigFile.parse(
            "alerting:\n  route: {receiver: hook, group_by: [alertname], group_wait: 0s}\n  receivers:\n    - {name: hook, webhook_configs: [{url: 'http://hooks.example/'}]}",
            file: "osprey.yml")
        try await dispatcher.apply(same.alerting)
        #expect(await outbox.notifications.count == 1, "the log says the receiver knows already")

        let other = try ConfigFile.parse(
            "alerting:\n  route: {receiver: other, group_wait: 0s}\n  receivers:\n    - {name: other, webhook_configs: [{url: 'http://other.example/'}]}",
            file: "osprey.yml")
        try await dispatcher.apply(other.alerting)
        #expect(await outbox.notifications.map { $0.url } == ["http://hooks.example/", "http://other.example/"])
        #expect(await dispatcher.groupKeys == ["{}:{}"])
    }

    @Test func runDrivesTheTimersAndStopsWhenCancelled() async throws {
        let outbox = MemoryOutbox()
        let configuration = try ConfigFile.parse(
            "alerting:\n  route: {receiver: hook, group_wait: 50ms}\n  receivers:\n    - {name: hook, webhook_configs: [{url: 'http://h.example/'}]}",
            file: "osprey.yml"
        ).alerting
        let dispatcher = try AlertDispatcher(configuration: configuration, outbox: outbox, silencer: NameSilencer(silencedNames: []))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await dispatcher.run() }
            let now = Date()
            await dispatcher.receive([
                Alert(
                    labels: Labels(["alertname": "Down"]), annotations: Labels(), startsAt: now, endsAt: now.addingTimeInterval(600), generatorURL: ""
                )
            ])
            #expect(await outbox.notifications.isEmpty, "group_wait not over yet")
            let deadline = Date().addingTimeInterval(10)
            while await outbox.notifications.isEmpty, Date() < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(await outbox.notifications.count == 1)
            group.cancelAll()
        }
    }
}
