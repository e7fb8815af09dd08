/// Counters of a `NotificationDelivery` since it started, for Osprey's own metrics.
public struct DeliveryStatistics: Sendable, Hashable {
    /// Notifications their receiver accepted (2xx).
    public var sent = 0
    /// Attempts that failed: no connection, a timeout or a status other than 2xx.
    public var failedAttempts = 0

    public init(sent: Int = 0, failedAttempts: Int = 0) {
        self.sent = sent
        self.failedAttempts = failedAttempts
    }
}
