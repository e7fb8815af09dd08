import Foundation
import OspreyModel
import OspreyNotification
import OspreyRules
import Testing

@Suite struct OutboxStoreTests {
    @Test func enqueuedNotificationsAndTheLogSurviveReopening() async throws {
        let folder = try TemporaryAlertingFolder()
        let sentAt = Date(timeIntervalSince1970: 1_700_000_000.25)
        do {
            let store = try folder.openStore()
            try await store.enqueue(
                [.webhook("one", url: "http://a/1"), .webhook("two", url: "http://a/1")],
                notified: NotificationLogEntry(firing: [1, UInt64.max], resolved: [7], sentAt: sentAt),
                receiver: "ops", groupKey: "g")
        }
        let reopened = try folder.openStore()
        let pending = try await reopened.pendingNotifications()
        #expect(pending.map { String(decoding: $0.notification.body, as: UTF8.self) } == ["one", "two"])
        #expect(pending.first?.notification.headers["Authorization"] == "Bearer s3cret")
        #expect(pending.first?.attempts == 0)
        let entry = try await reopened.lastNotified(receiver: "ops", groupKey: "g")
        #expect(entry == NotificationLogEntry(firing: [1, UInt64.max], resolved: [7], sentAt: sentAt))
        #expect(try await reopened.lastNotified(receiver: "ops", groupKey: "other") == nil)
    }

    @Test func theLogKeepsTheLastEntryOfEachGroup() async throws {
        let folder = try TemporaryAlertingFolder()
        let store = try folder.openStore()
        let first = NotificationLogEntry(firing: [1], resolved: [], sentAt: Date(timeIntervalSince1970: 100))
        let second = NotificationLogEntry(firing: [], resolved: [1], sentAt: Date(timeIntervalSince1970: 200))
        try await store.enqueue([], notified: first, receiver: "ops", groupKey: "g")
        try await store.enqueue([.webhook("x", url: "http://a")], notified: second, receiver: "ops", groupKey: "g")
        #expect(try await store.lastNotified(receiver: "ops", groupKey: "g") == second)
        try await store.pruneNotificationLog(sentBefore: Date(timeIntervalSince1970: 300))
        #expect(try await store.lastNotified(receiver: "ops", groupKey: "g") == nil)
    }

    @Test func eachQueueShowsItsOldestNotificationOnly() async throws {
        let folder = try TemporaryAlertingFolder()
        let store = try folder.openStore()
        try await store.enqueue([.webhook("a1", group: "a", url: "http://x"), .webhook("a2", group: "a", url: "http://x")])
        try await store.enqueue([.webhook("b1", group: "b", url: "http://x")])
        try await store.enqueue([.webhook("a1 elsewhere", group: "a", url: "http://y")])
        let heads = try await store.queueHeads()
        #expect(heads.map(\.queue.groupKey) == ["a", "b", "a"])
        #expect(heads.map(\.queue.url) == ["http://x", "http://x", "http://y"])
        let head = try #require(try await store.head(of: heads[0].queue))
        #expect(String(decoding: head.notification.body, as: UTF8.self) == "a1")

        let retryAt = Date().addingTimeInterval(60)
        try await store.markFailed(head.id, attempts: 1, error: "HTTP 500", retryAt: retryAt)
        let failed = try #require(try await store.head(of: heads[0].queue))
        #expect(failed.attempts == 1 && failed.lastError == "HTTP 500")
        #expect(abs(failed.nextAttemptAt.timeIntervalSince(retryAt)) < 0.001)

        try await store.markDelivered(head.id)
        let next = try #require(try await store.head(of: heads[0].queue))
        #expect(String(decoding: next.notification.body, as: UTF8.self) == "a2")
        #expect(try await store.pendingCount() == 3)
    }

    @Test func backoffGrowsToItsMaximumWithFullJitter() {
        let backoff = RetryBackoff(initial: .milliseconds(100), maximum: .seconds(1))
        #expect(backoff.ceiling(afterAttempts: 1) == .milliseconds(100))
        #expect(backoff.ceiling(afterAttempts: 3) == .milliseconds(400))
        #expect(backoff.ceiling(afterAttempts: 5) == .seconds(1))
        #expect(backoff.ceiling(afterAttempts: 1000) == .seconds(1))
        let delays = (0..<200).map { _ in backoff.delay(afterAttempts: 10) }
        #expect(delays.allSatisfy { $0 >= .zero && $0 <= .seconds(1) })
        #expect(Set(delays).count > 100, "jitter spreads the delays")
    }
}
