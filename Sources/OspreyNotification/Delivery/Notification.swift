import Foundation

/// One HTTP request the notifier owes a receiver: a webhook payload, or alerts for an
/// Alertmanager. Once queued it is delivered, after retries if need be, even across restarts.
public struct Notification: Sendable, Hashable, Codable {
    /// The receiver (or Alertmanager) it is for, as the config names it.
    public var receiver: String
    /// Notifications with the same receiver, group key and URL are delivered in the order queued.
    public var groupKey: String
    public var url: String
    /// Request headers, `Content-Type` and any `Authorization` included.
    public var headers: [String: String]
    public var body: Data

    public init(receiver: String, groupKey: String, url: String, headers: [String: String], body: Data) {
        self.receiver = receiver
        self.groupKey = groupKey
        self.url = url
        self.headers = headers
        self.body = body
    }
}
