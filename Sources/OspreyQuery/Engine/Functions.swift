import Foundation
import OspreyGoCompat
import OspreyModel

extension Evaluator {
    func evalCall(_ call: Call, _ steps: Steps) throws(QueryError) -> EvalValue {
        let args = call.args
        switch call.function.name {
        case "time":
            return .scalar((0..<steps.count).map { Double(steps.time(at: $0)) / 1000 })
        case "pi":
            return .scalar(Array(repeating: Double.pi, count: steps.count))
        case "vector":
            let values = try evalScalar(args[0], steps)
            return .vector([
                StepSeries(labels: Labels(), points: values.enumerated().map { Sample(timestamp: steps.time(at: $0.offset), value: $0.element) })
            ])
        case "scalar":
            return .scalar(try scalarOf(try evalVector(args[0], steps), steps))
        case "timestamp":
            if case .vectorSelector(let selector) = unwrapParentheses(args[0]) {
                return .vector(
                    try mergingSameLabels(
                        try selectVector(selector, steps, valueIsTimestamp: true).map {
                            StepSeries(labels: $0.labels.droppingMetricName, points: $0.points)
                        }))
            }
            return .vector(try mapValues(try evalVector(args[0], steps)) { sample in Double(sample.timestamp) / 1000 })
        case "absent":
            let present = try evalVector(args[0], steps)
            return .vector(absent(present, steps, labels: absentLabels(args[0])))
        case "absent_over_time":
            let present = try slide(try rangeArgument(args[0], steps), steps, keepName: true) { _, _, _ in 1 }
            return .vector(absent(present, steps, labels: absentLabels(args[0])))
        case "sort", "sort_desc":
            var series = try evalVector(args[0], steps)
            if steps.count == 1 {
                series.sortByValue(descending: call.function.name == "sort_desc")
            }
            return .vector(series)
        case "label_replace":
            return .vector(try labelReplace(try evalVector(args[0], steps), args))
        case "label_join":
            return .vector(try labelJoin(try evalVector(args[0], steps), args))
        case "histogram_quantile":
            let q = try evalScalar(args[0], steps)
            return .vector(try histogramQuantile(q, try evalVector(args[1], steps), steps))
        case "histogram_count", "histogram_sum", "histogram_fraction":
            // Only native histograms have these; float series give no value.
            return .vector([])
        case "clamp":
            let low = try evalScalar(args[1], steps)
            let high = try evalScalar(args[2], steps)
            return .vector(
                try mapValues(try evalVector(args[0], steps), steps) { value, step in
                    let (min, max) = (low[step], high[step])
                    return max < min ? nil : GoFloat.max(min, GoFloat.min(max, value))
                })
        case "clamp_min":
            let low = try evalScalar(args[1], steps)
            return .vector(try mapValues(try evalVector(args[0], steps), steps) { value, step in GoFloat.max(value, low[step]) })
        case "clamp_max":
            let high = try evalScalar(args[1], steps)
            return .vector(try mapValues(try evalVector(args[0], steps), steps) { value, step in GoFloat.min(value, high[step]) })
        case "round":
            let nearest = args.count > 1 ? try evalScalar(args[1], steps) : Array(repeating: 1, count: steps.count)
            return .vector(
                try mapValues(try evalVector(args[0], steps), steps) { value, step in
                    let inverse = 1 / nearest[step]
                    return (value * inverse + 0.5).rounded(.down) / inverse
                })
        case "days_in_month", "day_of_month", "day_of_week", "day_of_year", "hour", "minute", "month", "year":
            let input: [StepSeries]
            if args.isEmpty {
                input = [
                    StepSeries(
                        labels: Labels(),
                        points: (0..<steps.count).map { Sample(timestamp: steps.time(at: $0), value: Double(steps.time(at: $0)) / 1000) })
                ]
            } else {
                input = try evalVector(args[0], steps)
            }
            let part = call.function.name
            return .vector(try mapValues(input) { sample in DateParts.value(part, ofUnixSeconds: sample.value) })
        default:
            if call.function.argumentTypes.first == .matrix || call.function.name == "quantile_over_time" {
                return .vector(try evalRangeFunction(call, steps))
            }
            guard let transform = MathFunctions.table[call.function.name] else {
                throw .execution("function \(call.function.name) is not supported")
            }
            return .vector(try mapValues(try evalVector(args[0], steps)) { sample in transform(sample.value) })
        }
    }

    private func evalRangeFunction(_ call: Call, _ steps: Steps) throws(QueryError) -> [StepSeries] {
        let name = call.function.name
        let matrixIndex = name == "quantile_over_time" ? 1 : 0
        let windows = try rangeArgument(call.args[matrixIndex], steps, drifting: name == "predict_linear")
        let scalars = try call.args.enumerated().filter { $0.offset != matrixIndex }.map { (item) throws(QueryError) in
            try evalScalar(item.element, steps)
        }
        switch name {
        case "rate", "increase", "delta":
            let isCounter = name != "delta"
            // Counting each series' resets once lets most windows skip the search for them.
            let resets = isCounter ? windows.series.map { RangeFunctions.resetCounts($0.samples) } : []
            return try slide(windows, steps, keepName: false) { (window, series, _, time) throws(QueryError) in
                let hasResets =
                    isCounter
                    && (window.first?.value ?? 0 < 0 || resets[series][window.endIndex - 1] != resets[series][window.startIndex])
                return RangeFunctions.rate(
                    window, rangeStart: windows.start(at: time), rangeEnd: windows.end(at: time), isCounter: isCounter,
                    hasResets: hasResets, isRate: name == "rate")
            }
        case "irate", "idelta":
            return try slide(windows, steps, keepName: false) { window, _, _ in RangeFunctions.instant(window, isRate: name == "irate") }
        case "avg_over_time": return try slide(windows, steps, keepName: false) { window, _, _ in RangeFunctions.average(window) }
        case "sum_over_time": return try slide(windows, steps, keepName: false) { window, _, _ in RangeFunctions.sum(window) }
        case "count_over_time": return try slide(windows, steps, keepName: false) { window, _, _ in Double(window.count) }
        case "max_over_time": return try slide(windows, steps, keepName: false) { window, _, _ in RangeFunctions.maximum(window) }
        case "min_over_time": return try slide(windows, steps, keepName: false) { window, _, _ in RangeFunctions.minimum(window) }
        case "last_over_time": return try slide(windows, steps, keepName: true) { window, _, _ in window.last?.value }
        case "present_over_time": return try slide(windows, steps, keepName: false) { _, _, _ in 1 }
        case "stdvar_over_time": return try slide(windows, steps, keepName: false) { window, _, _ in RangeFunctions.variance(window) }
        case "stddev_over_time": return try slide(windows, steps, keepName: false) { window, _, _ in RangeFunctions.variance(window).squareRoot() }
        case "changes": return try slide(windows, steps, keepName: false) { window, _, _ in RangeFunctions.changes(window) }
        case "resets": return try slide(windows, steps, keepName: false) { window, _, _ in RangeFunctions.resets(window) }
        case "quantile_over_time":
            return try slide(windows, steps, keepName: false) { window, step, _ in RangeFunctions.quantile(scalars[0][step], window.map(\.value)) }
        case "deriv":
            return try slide(windows, steps, keepName: false) { window, _, _ in
                window.count < 2 ? nil : RangeFunctions.linearRegression(window, interceptTime: window[window.startIndex].timestamp).slope
            }
        case "predict_linear":
            return try slide(windows, steps, keepName: false) { window, step, time in
                guard window.count >= 2 else { return nil }
                let line = RangeFunctions.linearRegression(window, interceptTime: time)
                return line.slope * scalars[0][step] + line.intercept
            }
        case "holt_winters":
            return try slide(windows, steps, keepName: false) { (window, step, _) throws(QueryError) -> Double? in
                let smoothing = scalars[0][step]
                let trend = scalars[1][step]
                // Written as Prometheus tests them, so NaN passes and yields NaN.
                if smoothing <= 0 || smoothing >= 1 {
                    throw .execution("invalid smoothing factor. Expected: 0 < sf < 1, got: \(String(format: "%f", smoothing))")
                }
                if trend <= 0 || trend >= 1 {
                    throw .execution("invalid trend factor. Expected: 0 < tf < 1, got: \(String(format: "%f", trend))")
                }
                return RangeFunctions.holtWinters(window, smoothing: smoothing, trend: trend)
            }
        default:
            throw .execution("function \(name) is not supported")
        }
    }

    func rangeArgument(_ expr: Expr, _ steps: Steps, drifting: Bool = false) throws(QueryError) -> Windows {
        switch unwrapParentheses(expr) {
        case .matrixSelector(let selector):
            var windows = try windows(of: selector, steps)
            if drifting { windows.driftFrom = steps.start }
            return windows
        case .subquery(let subquery): return try windows(of: subquery, steps, drifting: drifting)
        default: throw .execution("expected a range vector, got \(expr.type.rawValue)")
        }
    }

    func unwrapParentheses(_ expr: Expr) -> Expr {
        if case .parenthesized(let inner) = expr { return unwrapParentheses(inner) }
        return expr
    }

    /// `scalar(v)`: the single element's value at each step, NaN when there is not exactly one.
    func scalarOf(_ series: [StepSeries], _ steps: Steps) throws(QueryError) -> [Double] {
        var values = Array(repeating: Double.nan, count: steps.count)
        var counts = Array(repeating: 0, count: steps.count)
        for item in series {
            for point in item.points {
                let step = steps.index(of: point.timestamp)
                counts[step] += 1
                values[step] = counts[step] == 1 ? point.value : .nan
            }
        }
        return values
    }

    /// A function of each value that drops the metric name, as Prometheus's simple functions do.
    func mapValues(_ series: [StepSeries], _ transform: (Sample) -> Double?) throws(QueryError) -> [StepSeries] {
        let mapped = series.compactMap { item -> StepSeries? in
            let points = item.points.compactMap { point in transform(point).map { Sample(timestamp: point.timestamp, value: $0) } }
            return points.isEmpty ? nil : StepSeries(labels: item.labels.droppingMetricName, points: points)
        }
        return try mergingSameLabels(mapped)
    }

    func mapValues(_ series: [StepSeries], _ steps: Steps, _ transform: (Double, Int) -> Double?) throws(QueryError) -> [StepSeries] {
        try mapValues(series) { sample in transform(sample.value, steps.index(of: sample.timestamp)) }
    }

    private func absent(_ present: [StepSeries], _ steps: Steps, labels: Labels) -> [StepSeries] {
        var covered = Array(repeating: false, count: steps.count)
        for item in present {
            for point in item.points { covered[steps.index(of: point.timestamp)] = true }
        }
        let points = (0..<steps.count).filter { !covered[$0] }.map { Sample(timestamp: steps.time(at: $0), value: 1) }
        return points.isEmpty ? [] : [StepSeries(labels: labels, points: points)]
    }

    /// The labels `absent` gives its answer: those the selector pins with `=`, once each.
    private func absentLabels(_ expr: Expr) -> Labels {
        let matchers: [LabelMatcher]
        switch unwrapParentheses(expr) {
        case .vectorSelector(let selector): matchers = selector.matchers
        case .matrixSelector(let selector): matchers = selector.selector.matchers
        default: return Labels()
        }
        var values: [String: String] = [:]
        var seen: Set<String> = []
        for matcher in matchers where matcher.name != Labels.metricName {
            if matcher.kind == .equal, !seen.contains(matcher.name) {
                values[matcher.name] = matcher.value
                seen.insert(matcher.name)
            } else {
                values[matcher.name] = nil
            }
        }
        return Labels(values)
    }
}
