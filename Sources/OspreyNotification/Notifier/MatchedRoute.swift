import OspreyModel

/// A route of the tree with the settings it inherited filled in: where a matching alert goes
/// and how its notifications are timed.
public struct MatchedRoute: Sendable, Hashable {
    /// Alertmanager's route `ID()`: the key plus the route's index among its siblings, unique in the tree.
    public var id: String
    /// Alertmanager's route `Key()`, `{}/{severity="critical"}`: the first part of group keys.
    public var key: String
    public var receiver: String
    public var grouping: AlertGrouping
    public var groupWait: Duration
    public var groupInterval: Duration
    public var repeatInterval: Duration

    public init(
        id: String, key: String, receiver: String, grouping: AlertGrouping, groupWait: Duration, groupInterval: Duration,
        repeatInterval: Duration
    ) {
        self.id = id
        self.key = key
        self.receiver = receiver
        self.grouping = grouping
        self.groupWait = groupWait
        self.groupInterval = groupInterval
        self.repeatInterval = repeatInterval
    }

    /// The group key Alertmanager prints for a group of this route, `{}/{team="db"}:{alertname="Down"}`.
    public func groupKey(groupLabels: Labels) -> String {
        "\(key):\(groupLabels.alertmanagerText)"
    }
}
