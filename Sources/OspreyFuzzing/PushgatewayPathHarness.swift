import OspreyFormats
import OspreyModel

/// The pushgateway's grouping paths: any text after `/metrics/` is either refused or names a
/// group whose first label is a non-empty `job` and whose label names are valid.
enum PushgatewayPathHarness {
    static func run(_ input: UnsafeRawBufferPointer) {
        let path = "/metrics/" + text(input)
        guard let labels = try? PushgatewayPath.groupingLabels(path) else { return }
        invariant(labels.first?.name == "job", "the group of \(path.debugDescription) does not start with job: \(labels)")
        invariant(labels.first?.value.isEmpty == false, "the group of \(path.debugDescription) has an empty job")
        for label in labels {
            invariant(MetricNames.isValidLabelName(label.name), "invalid label name \(label.name.debugDescription) from \(path.debugDescription)")
        }
    }
}
