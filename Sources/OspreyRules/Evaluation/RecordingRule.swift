import OspreyModel
import OspreyQuery

/// A `record:` rule: its expression's value, renamed and relabelled, stored as a series.
struct RecordingRule: Sendable {
    let definition: RuleDefinition
    /// The group's labels under the rule's own.
    let labels: Labels

    init(_ definition: RuleDefinition, groupLabels: Labels) {
        self.definition = definition
        labels = groupLabels.merging(definition.labels)
    }

    /// The series to write at `time`, checked as Prometheus checks them.
    func evaluate(at time: Timestamp, context: RuleEvaluationContext, limit: Int) throws(RuleEvaluationError) -> [VectorElement] {
        var result = try context.vector(definition.expr, at: time)
        var seen: Set<Labels> = []
        for index in result.indices {
            let relabelled = result[index].labels.setting(Labels.metricName, to: definition.name).merging(labels)
            guard seen.insert(relabelled).inserted else { throw .duplicateLabelSet("rule") }
            result[index].labels = relabelled
            result[index].timestamp = time
        }
        if limit > 0, result.count > limit { throw .limitExceeded(limit: limit, count: result.count, what: "series") }
        return result
    }
}

extension Labels {
    /// These labels with `other`'s set over them.
    func merging(_ other: Labels) -> Labels {
        other.reduce(self) { $0.setting($1.name, to: $1.value) }
    }
}
