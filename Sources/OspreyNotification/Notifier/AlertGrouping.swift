import OspreyModel

/// Which labels put alerts of one route into the same notification: Alertmanager's `group_by`.
public enum AlertGrouping: Sendable, Hashable {
    /// Alerts with equal values of these labels share a group; no names put all alerts in one.
    case labels([String])
    /// `group_by: ['...']`: every distinct label set is its own group.
    case all

    /// The alert's labels named by the grouping, which identify its group.
    public func groupLabels(of labels: Labels) -> Labels {
        switch self {
        case .all: labels
        case .labels(let names): Labels(labels.filter { names.contains($0.name) })
        }
    }
}
