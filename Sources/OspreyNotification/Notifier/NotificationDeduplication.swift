import Foundation
import OspreyModel

/// Alertmanager's dedup stage: whether a group flush tells the receiver anything new, given the
/// notification log's entry of what it last sent.
enum NotificationDeduplication {
    static func needsNotification(
        last: NotificationLogEntry?, firing: Set<UInt64>, resolved: Set<UInt64>, sendResolved: Bool, repeatInterval: Duration,
        now: Date
    ) -> Bool {
        // A group never notified is sent once something fires; alerts that fired and resolved
        // in between are news to nobody.
        guard let last else { return !firing.isEmpty }
        if !firing.isSubset(of: last.firing) { return true }
        // Everything resolved: notified even without send_resolved, so that the log forgets the
        // firing alerts and a new firing is news again.
        if firing.isEmpty { return !last.firing.isEmpty }
        if sendResolved, !resolved.isSubset(of: last.resolved) { return true }
        return last.sentAt < now.addingTimeInterval(-repeatInterval.seconds)
    }
}
