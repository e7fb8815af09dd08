import Foundation
import OspreyModel

/// An alert as the rule manager hands it to the notifier, in the shape Prometheus posts to
/// Alertmanager: it is firing until `endsAt`, resolved from then on.
///
/// While the condition holds, each evaluation sends the alert again with `endsAt` pushed into the
/// future, so an alert that is no longer sent (its rule removed, Osprey stopped) resolves by itself.
public struct Alert: Sendable, Hashable {
    public var labels: Labels
    public var annotations: Labels
    public var startsAt: Date
    public var endsAt: Date
    /// A link back to the expression that produced the alert.
    public var generatorURL: String

    public init(labels: Labels, annotations: Labels, startsAt: Date, endsAt: Date, generatorURL: String) {
        self.labels = labels
        self.annotations = annotations
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.generatorURL = generatorURL
    }

    public func isResolved(at now: Date) -> Bool { endsAt <= now }
}
