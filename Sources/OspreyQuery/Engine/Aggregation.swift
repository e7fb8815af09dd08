import OspreyGoCompat
import OspreyModel

extension Evaluator {
    func evalAggregate(_ aggregate: Aggregate, _ steps: Steps) throws(QueryError) -> [StepSeries] {
        let input = try evalVector(aggregate.expr, steps)
        let grouping = Set(aggregate.grouping.map { ExactString($0) })
        func groupLabels(_ labels: Labels) -> Labels {
            aggregate.without ? labels.dropping(grouping) : labels.keeping(grouping)
        }
        switch aggregate.op {
        case .topk, .bottomk:
            let k = try evalScalar(aggregate.param ?? .number(1), steps)
            return try selectK(input, k: k, top: aggregate.op == .topk, steps: steps, groupLabels: groupLabels)
        case .quantile:
            let q = try evalScalar(aggregate.param ?? .number(.nan), steps)
            return try perStepGroups(input, steps: steps, groupLabels: groupLabels) { values, step in
                RangeFunctions.quantile(q[step], values)
            }
        case .countValues:
            let label = try evalString(aggregate.param ?? .string(""))
            guard MetricNames.isValidLabelName(label) else { throw .execution("invalid label name \"\(label)\"") }
            // The value becomes a label, so each distinct value is a group of its own.
            var exploded: [StepSeries] = []
            for item in input {
                var byValue: [String: [Sample]] = [:]
                var order: [String] = []
                for point in item.points {
                    let text = point.value.goFixedString
                    if byValue[text] == nil { order.append(text) }
                    byValue[text, default: []].append(point)
                }
                for text in order {
                    exploded.append(StepSeries(labels: item.labels.setting(label, to: text), points: byValue[text] ?? []))
                }
            }
            let valueGrouping = grouping.union([ExactString(label)])
            return try perStepGroups(
                exploded, steps: steps,
                groupLabels: { labels in
                    aggregate.without ? labels.dropping(grouping) : labels.keeping(valueGrouping)
                }
            ) { values, _ in Double(values.count) }
        default:
            return try accumulate(input, op: aggregate.op, steps: steps, groupLabels: groupLabels)
        }
    }

    /// The groups of an aggregation in order of first appearance, and each input series' group.
    private static func groups(of input: [StepSeries], by groupLabels: (Labels) -> Labels) -> (labels: [Labels], groupOf: [Int]) {
        var index: [Labels: Int] = [:]
        var labels: [Labels] = []
        let groupOf = input.map { item in
            let key = groupLabels(item.labels)
            if let group = index[key] { return group }
            index[key] = labels.count
            labels.append(key)
            return labels.count - 1
        }
        return (labels, groupOf)
    }

    /// The aggregations that fold values one at a time, computed series by series into dense
    /// per-step accumulators.
    private func accumulate(
        _ input: [StepSeries], op: AggregateOp, steps: Steps, groupLabels: (Labels) -> Labels
    ) throws(QueryError) -> [StepSeries] {
        let (labels, groupOf) = Self.groups(of: input, by: groupLabels)
        var accumulators = Array(repeating: Accumulator(steps: steps.count), count: labels.count)
        for (item, group) in zip(input, groupOf) {
            try checkInterrupt()
            accumulators[group].fold(item.points, op: op, steps: steps)
        }
        var result: [StepSeries] = []
        result.reserveCapacity(accumulators.count)
        for (key, accumulator) in zip(labels, accumulators) {
            var points: [Sample] = []
            for step in 0..<steps.count where accumulator.count[step] > 0 {
                let count = accumulator.count[step]
                let value: Double
                switch op {
                case .avg: value = accumulator.mean[step]
                case .count: value = count
                case .stdvar: value = accumulator.value[step] / count
                case .stddev: value = (accumulator.value[step] / count).squareRoot()
                default: value = accumulator.value[step]
                }
                points.append(Sample(timestamp: steps.time(at: step), value: value))
            }
            result.append(StepSeries(labels: key, points: points))
        }
        return result
    }

    /// Aggregations that need all of a group's values at a step at once.
    private func perStepGroups(
        _ input: [StepSeries], steps: Steps, groupLabels: (Labels) -> Labels,
        _ reduce: ([Double], Int) -> Double
    ) throws(QueryError) -> [StepSeries] {
        let (labels, groupOf) = Self.groups(of: input, by: groupLabels)
        var members: [[Int]] = Array(repeating: [], count: labels.count)
        for (index, group) in groupOf.enumerated() { members[group].append(index) }
        var result: [StepSeries] = []
        var values: [[Double]] = Array(repeating: [], count: steps.count)
        for (key, group) in zip(labels, members) {
            try checkInterrupt()
            for step in values.indices { values[step].removeAll(keepingCapacity: true) }
            for member in group {
                for point in input[member].points { values[steps.index(of: point.timestamp)].append(point.value) }
            }
            var points: [Sample] = []
            for step in 0..<steps.count where !values[step].isEmpty {
                points.append(Sample(timestamp: steps.time(at: step), value: reduce(values[step], step)))
            }
            result.append(StepSeries(labels: key, points: points))
        }
        return result
    }

    /// `topk`/`bottomk`: per step and group, the k largest (smallest) elements with their own
    /// labels, chosen with the same heap as Prometheus so that ties pick the same series.
    private func selectK(
        _ input: [StepSeries], k: [Double], top: Bool, steps: Steps, groupLabels: (Labels) -> Labels
    ) throws(QueryError) -> [StepSeries] {
        let (groupLabelSets, groupOf) = Self.groups(of: input, by: groupLabels)
        let byStep = elementsByStep(input, steps)
        var chosen: [[Sample]] = Array(repeating: [], count: input.count)
        var heaps: [SelectionHeap] = []
        // Prometheus checks k at every step, with or without elements to choose from.
        for limit in k where !(limit >= -9.223372036854775808e18 && limit < 9.223372036854775808e18) {
            throw .execution("Scalar value \(limit.goVerbString) overflows int64")
        }
        for step in 0..<steps.count where !byStep[step].isEmpty {
            try checkInterrupt()
            let limit = k[step]
            guard limit >= 1 else { continue }
            let count = Int(limit)
            heaps = Array(repeating: SelectionHeap(top: top), count: groupLabelSets.count)
            for (series, value) in byStep[step] {
                heaps[groupOf[series]].offer(series: series, value: value, k: count)
            }
            for heap in heaps {
                for element in heap.elements {
                    chosen[element.series].append(Sample(timestamp: steps.time(at: step), value: element.value))
                }
            }
        }
        var result: [StepSeries] = []
        for (index, points) in chosen.enumerated() where !points.isEmpty {
            result.append(StepSeries(labels: input[index].labels, points: points))
        }
        if steps.count == 1 {
            // An instant result lists each group's selection from the best down.
            result.sortByValue(descending: top)
        }
        return result
    }
}

/// One group's running aggregate at every step, folded as Prometheus folds it.
private struct Accumulator {
    var value: [Double]
    var mean: [Double]
    var count: [Double]

    init(steps: Int) {
        value = Array(repeating: 0, count: steps)
        mean = value
        count = value
    }

    mutating func fold(_ points: [Sample], op: AggregateOp, steps: Steps) {
        for point in points {
            let step = steps.index(of: point.timestamp)
            let v = point.value
            if count[step] == 0 {
                count[step] = 1
                mean[step] = v
                switch op {
                case .stddev, .stdvar: value[step] = 0
                case .group: value[step] = 1
                default: value[step] = v
                }
                continue
            }
            switch op {
            case .sum:
                value[step] += v
            case .avg:
                count[step] += 1
                let current = mean[step]
                if current.isInfinite {
                    if v.isInfinite, (current > 0) == (v > 0) { continue }
                    if !v.isInfinite, !v.isNaN { continue }
                }
                mean[step] += v / count[step] - current / count[step]
            case .max:
                if value[step] < v || value[step].isNaN { value[step] = v }
            case .min:
                if value[step] > v || value[step].isNaN { value[step] = v }
            case .count:
                count[step] += 1
            case .stddev, .stdvar:
                count[step] += 1
                let delta = v - mean[step]
                mean[step] += delta / count[step]
                value[step] += delta * (v - mean[step])
            default:
                break
            }
        }
    }
}

/// Go's `container/heap` over Prometheus's comparators: the root is the element to evict next.
struct SelectionHeap {
    let top: Bool
    private(set) var elements: [(series: Int, value: Double)] = []

    init(top: Bool) { self.top = top }

    private func less(_ i: Int, _ j: Int) -> Bool {
        if elements[i].value.isNaN { return true }
        return top ? elements[i].value < elements[j].value : elements[i].value > elements[j].value
    }

    mutating func offer(series: Int, value: Double, k: Int) {
        if elements.count < k {
            elements.append((series, value))
            up(elements.count - 1)
            return
        }
        let root = elements[0].value
        guard (top ? root < value : root > value) || root.isNaN else { return }
        if k == 1 {
            elements[0] = (series, value)
            return
        }
        pop()
        elements.append((series, value))
        up(elements.count - 1)
    }

    private mutating func pop() {
        let last = elements.count - 1
        elements.swapAt(0, last)
        down(0, last)
        elements.removeLast()
    }

    private mutating func up(_ start: Int) {
        var j = start
        while j > 0 {
            let parent = (j - 1) / 2
            if !less(j, parent) { break }
            elements.swapAt(parent, j)
            j = parent
        }
    }

    private mutating func down(_ start: Int, _ n: Int) {
        var i = start
        while true {
            let left = 2 * i + 1
            if left >= n { break }
            var j = left
            if left + 1 < n, less(left + 1, left) { j = left + 1 }
            if !less(j, i) { break }
            elements.swapAt(i, j)
            i = j
        }
    }
}
