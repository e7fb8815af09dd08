import Foundation
import OspreyModel
import OspreyNotification
import Synchronization

@testable import OspreyRules

/// An outbox in memory: what was queued, and the notification log beside it.
actor MemoryOutbox: NotificationOutbox {
    private(set) var notifications: [OspreyNotification.Notification] = []
    private(set) var enqueueCalls = 0
    private var log: [String: NotificationLogEntry] = [:]

    func lastNotified(receiver: String, groupKey: String) async throws -> NotificationLogEntry? {
        log[receiver + "\u{0}" + groupKey]
    }

    func enqueue(_ notifications: [OspreyNotification.Notification], notified entry: NotificationLogEntry, receiver: String, groupKey: String)
        async throws
    {
        self.notifications += notifications
        enqueueCalls += 1
        log[receiver + "\u{0}" + groupKey] = entry
    }
}

/// A clock tests move by hand.
final class ManualClock: Sendable {
    private let time: Mutex<Date>

    init(_ start: Date) { time = Mutex(start) }

    var now: Date { time.withLock { $0 } }

    func advance(by seconds: TimeInterval) {
        time.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}

/// Silences alerts by `alertname`.
struct NameSilencer: AlertSilencer {
    var silencedNames: Set<String>

    func isSilenced(_ labels: Labels, at time: Date) -> Bool {
        labels["alertname"].map(silencedNames.contains) ?? false
    }
}
