import Foundation

/// A notification waiting in the outbox, with its delivery history so far.
public struct PendingNotification: Sendable, Hashable {
    /// Its place in the outbox; within a queue, lower ids are delivered first.
    public var id: Int64
    public var notification: Notification
    public var enqueuedAt: Date
    /// Failed attempts so far.
    public var attempts: Int
    /// No attempt is made before this time (a retry's backoff).
    public var nextAttemptAt: Date
    public var lastError: String?

    public var queue: OutboxQueue {
        OutboxQueue(receiver: notification.receiver, groupKey: notification.groupKey, url: notification.url)
    }
}

/// The oldest notification of a queue, as much as the scheduler needs to decide when to send it.
public struct OutboxQueueHead: Sendable, Hashable {
    public var queue: OutboxQueue
    public var id: Int64
    public var nextAttemptAt: Date
}
