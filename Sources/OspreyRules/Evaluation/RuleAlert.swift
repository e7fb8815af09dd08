import OspreyModel

/// The states of an alert, in Prometheus's words.
public enum AlertState: String, Sendable, Hashable {
    case inactive, pending, firing
}

/// One alert of an alerting rule: one series of the rule's result, its labels and annotations
/// expanded, moving from pending to firing and on to resolved.
public struct RuleAlert: Sendable, Hashable {
    public var labels: Labels
    public var annotations: Labels
    public var state: AlertState
    /// When the condition started to hold (ms).
    public var activeAt: Timestamp
    public var firedAt: Timestamp?
    public var resolvedAt: Timestamp?
    public var lastSentAt: Timestamp?
    /// Until when the last notification said the alert fires.
    public var validUntil: Timestamp = 0
    /// Since when a firing alert is kept firing by `keep_firing_for` with its condition gone.
    public var keepFiringSince: Timestamp?
    /// The expression's value for the alert's series at the last evaluation.
    public var value: Double

    /// Whether the notifier should hear of the alert now (Prometheus's `needsSending`): a firing
    /// alert once per resend delay, a resolved one as soon as it resolves.
    func needsSending(at time: Timestamp, resendDelay: Int64) -> Bool {
        if state == .pending { return false }
        if let resolvedAt, resolvedAt > (lastSentAt ?? .min) { return true }
        guard let lastSentAt else { return true }
        return lastSentAt + resendDelay < time
    }
}
