import Foundation

/// What a route last told a receiver about one alert group, as Alertmanager's notification log
/// keeps it: a group flush that would repeat it before `repeat_interval` sends nothing.
public struct NotificationLogEntry: Sendable, Hashable, Codable {
    /// Fingerprints of the alerts notified as firing and as resolved.
    public var firing: Set<UInt64>
    public var resolved: Set<UInt64>
    public var sentAt: Date

    public init(firing: Set<UInt64>, resolved: Set<UInt64>, sentAt: Date) {
        self.firing = firing
        self.resolved = resolved
        self.sentAt = sentAt
    }
}

/// The durable queue between the dispatcher and the receivers, and the notification log beside it.
public protocol NotificationOutbox: Sendable {
    /// The log entry of the last notification queued for `groupKey` at `receiver`.
    func lastNotified(receiver: String, groupKey: String) async throws -> NotificationLogEntry?

    /// Stores `notifications` for delivery and `entry` as the group's last notification, in one
    /// transaction: after a crash both are there or neither is.
    func enqueue(
        _ notifications: [Notification], notified entry: NotificationLogEntry, receiver: String, groupKey: String
    ) async throws
}
