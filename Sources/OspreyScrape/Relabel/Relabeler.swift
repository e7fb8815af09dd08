import OspreyConfig
import OspreyModel

/// A list of relabelling steps, compiled once, applied to label sets in order, as Prometheus's
/// `relabel.Process` does.
public struct Relabeler: Sendable {
    private let steps: [RelabelStep]

    /// Compiles every step's regex now, so that processing compiles nothing.
    public init(_ configs: [RelabelConfiguration]) {
        steps = configs.map(RelabelStep.init)
    }

    /// The labels after every step, or nil when a step drops them.
    public func process(_ labels: Labels) -> Labels? {
        guard !steps.isEmpty else { return labels }
        var builder = RelabelBuilder(labels)
        for step in steps {
            guard step.apply(to: &builder) else { return nil }
        }
        return builder.labels
    }
}
