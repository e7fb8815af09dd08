import OspreyGoCompat
import OspreyModel

extension Evaluator {
    /// `label_replace(v, dst, replacement, src, regex)`.
    func labelReplace(_ series: [StepSeries], _ args: [Expr]) throws(QueryError) -> [StepSeries] {
        let destination = try evalString(args[1])
        let replacement = try evalString(args[2])
        let source = try evalString(args[3])
        let pattern = try evalString(args[4])
        let regex: GoRegex
        do {
            regex = try GoRegex.anchored(pattern)
        } catch {
            throw .execution("invalid regular expression in label_replace(): \(pattern)")
        }
        guard MetricNames.isValidLabelName(destination) else {
            throw .execution("invalid destination label name in label_replace(): \(destination)")
        }
        var rewritten: [StepSeries] = []
        rewritten.reserveCapacity(series.count)
        for var item in series {
            let value = item.labels[source] ?? ""
            if let match = regex.firstMatch(in: value) {
                let result = GoRegexExpansion.expand(replacement, match: match)
                item.labels = item.labels.setting(destination, to: result)
            }
            rewritten.append(item)
        }
        return try mergingSameLabels(rewritten)
    }

    /// `label_join(v, dst, separator, src...)`.
    func labelJoin(_ series: [StepSeries], _ args: [Expr]) throws(QueryError) -> [StepSeries] {
        let destination = try evalString(args[1])
        let separator = try evalString(args[2])
        var sources: [String] = []
        for arg in args.dropFirst(3) {
            let name = try evalString(arg)
            guard MetricNames.isValidLabelName(name) else {
                throw .execution("invalid source label name in label_join(): \(name)")
            }
            sources.append(name)
        }
        guard MetricNames.isValidLabelName(destination) else {
            throw .execution("invalid destination label name in label_join(): \(destination)")
        }
        let joined = series.map { item in
            let value = sources.map { item.labels[$0] ?? "" }.joined(separator: separator)
            return StepSeries(labels: item.labels.setting(destination, to: value), points: item.points)
        }
        return try mergingSameLabels(joined)
    }
}
