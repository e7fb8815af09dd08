import Foundation
import OspreyModel

/// The alerts of one route that share group labels, notified together: Alertmanager's `aggrGroup`.
struct AggregationGroup: Sendable {
    /// Route and group labels: one group per pair, even when sibling routes print the same key.
    struct ID: Hashable, Sendable {
        var routeID: String
        var groupLabels: Labels
    }

    let route: MatchedRoute
    let groupLabels: Labels
    let groupKey: String
    /// The group's alerts by fingerprint.
    var alerts: [UInt64: Alert] = [:]
    var nextFlush: Date
    var hasFlushed = false

    init(route: MatchedRoute, groupLabels: Labels, createdAt: Date) {
        self.route = route
        self.groupLabels = groupLabels
        groupKey = route.groupKey(groupLabels: groupLabels)
        nextFlush = createdAt.addingTimeInterval(route.groupWait.seconds)
    }

    /// Adds or replaces an alert. Before the first flush, an alert that started longer than
    /// `group_wait` ago makes the group flush now, as in Alertmanager: its wait is over.
    mutating func insert(_ alert: Alert, fingerprint: UInt64, now: Date) {
        alerts[fingerprint] = alert
        if !hasFlushed, alert.startsAt.addingTimeInterval(route.groupWait.seconds) < now {
            nextFlush = min(nextFlush, now)
        }
    }
}
