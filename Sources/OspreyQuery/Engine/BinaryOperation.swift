import Foundation
import OspreyModel

extension Evaluator {
    func evalBinary(_ binary: Binary, _ steps: Steps) throws(QueryError) -> EvalValue {
        let lhs = try eval(binary.lhs, steps)
        let rhs = try eval(binary.rhs, steps)
        switch (lhs, rhs) {
        case (.scalar(let left), .scalar(let right)):
            return .scalar(zip(left, right).map { Self.scalarOperation(binary.op, $0, $1) })
        case (.vector(let vector), .scalar(let scalar)):
            return .vector(try vectorScalar(binary, vector, scalar, steps, scalarOnLeft: false))
        case (.scalar(let scalar), .vector(let vector)):
            return .vector(try vectorScalar(binary, vector, scalar, steps, scalarOnLeft: true))
        case (.vector(let left), .vector(let right)):
            let matching = binary.matching ?? VectorMatching(cardinality: binary.op.isSetOperator ? .manyToMany : .oneToOne)
            if binary.op.isSetOperator {
                return .vector(try setOperation(binary.op, left, right, matching, steps))
            }
            return .vector(try vectorVector(binary, left, right, matching, steps))
        default:
            throw .execution("binary expression must contain only scalar and instant vector types")
        }
    }

    /// Prometheus's `vectorElemBinop`: the value, and whether a comparison holds.
    static func elementOperation(_ op: BinaryOp, _ lhs: Double, _ rhs: Double) -> (Double, Bool) {
        switch op {
        case .add: (lhs + rhs, true)
        case .subtract: (lhs - rhs, true)
        case .multiply: (lhs * rhs, true)
        case .divide: (lhs / rhs, true)
        case .power: (Foundation.pow(lhs, rhs), true)
        case .modulo: (Foundation.fmod(lhs, rhs), true)
        case .atan2: (Foundation.atan2(lhs, rhs), true)
        case .equal: (lhs, lhs == rhs)
        case .notEqual: (lhs, lhs != rhs)
        case .greater: (lhs, lhs > rhs)
        case .less: (lhs, lhs < rhs)
        case .greaterOrEqual: (lhs, lhs >= rhs)
        case .lessOrEqual: (lhs, lhs <= rhs)
        case .and, .or, .unless: (.nan, false)
        }
    }

    /// Between two scalars comparisons always give 0 or 1 (the parser demands `bool`).
    static func scalarOperation(_ op: BinaryOp, _ lhs: Double, _ rhs: Double) -> Double {
        let (value, holds) = elementOperation(op, lhs, rhs)
        return op.isComparison ? (holds ? 1 : 0) : value
    }

    private func vectorScalar(
        _ binary: Binary, _ vector: [StepSeries], _ scalar: [Double], _ steps: Steps, scalarOnLeft: Bool
    ) throws(QueryError) -> [StepSeries] {
        let op = binary.op
        let dropName = op.dropsMetricName || binary.returnBool
        var result: [StepSeries] = []
        result.reserveCapacity(vector.count)
        for item in vector {
            try checkInterrupt()
            var points: [Sample] = []
            points.reserveCapacity(item.points.count)
            for point in item.points {
                let other = scalar[steps.index(of: point.timestamp)]
                var (value, keep) =
                    scalarOnLeft
                    ? Self.elementOperation(op, other, point.value) : Self.elementOperation(op, point.value, other)
                // A comparison keeps the vector's value even with the scalar on the left.
                if op.isComparison, scalarOnLeft { value = point.value }
                if binary.returnBool {
                    value = keep ? 1 : 0
                    keep = true
                }
                if keep { points.append(Sample(timestamp: point.timestamp, value: value)) }
            }
            if !points.isEmpty {
                result.append(StepSeries(labels: dropName ? item.labels.droppingMetricName : item.labels, points: points))
            }
        }
        return try mergingSameLabels(result)
    }

    /// What two series must share to match: the `on` labels, or all but the `ignoring` ones and
    /// the metric name.
    private func signature(_ labels: Labels, _ matching: VectorMatching, _ names: Set<ExactString>) -> Labels {
        matching.on ? labels.keeping(names) : labels.dropping(names)
    }

    private func setOperation(
        _ op: BinaryOp, _ lhs: [StepSeries], _ rhs: [StepSeries], _ matching: VectorMatching, _ steps: Steps
    ) throws(QueryError) -> [StepSeries] {
        let names = Set(matching.labels.map { ExactString($0) })
        var ids: [Labels: Int] = [:]
        func id(_ labels: Labels) -> Int {
            let key = signature(labels, matching, names)
            if let existing = ids[key] { return existing }
            ids[key] = ids.count
            return ids.count - 1
        }
        let lhsSignatures = lhs.map { id($0.labels) }
        let rhsSignatures = rhs.map { id($0.labels) }
        var present = Array(repeating: Set<Int>(), count: steps.count)
        let (probe, probeSignatures) = op == .or ? (lhs, lhsSignatures) : (rhs, rhsSignatures)
        for (index, item) in probe.enumerated() {
            for point in item.points { present[steps.index(of: point.timestamp)].insert(probeSignatures[index]) }
        }
        var result: [StepSeries] = []
        switch op {
        case .and, .unless:
            let wanted = op == .and
            for (index, item) in lhs.enumerated() {
                let points = item.points.filter { present[steps.index(of: $0.timestamp)].contains(lhsSignatures[index]) == wanted }
                if !points.isEmpty { result.append(StepSeries(labels: item.labels, points: points)) }
            }
        default:
            result = lhs
            for (index, item) in rhs.enumerated() {
                let points = item.points.filter { !present[steps.index(of: $0.timestamp)].contains(rhsSignatures[index]) }
                if !points.isEmpty { result.append(StepSeries(labels: item.labels, points: points)) }
            }
        }
        return try mergingSameLabels(result)
    }

    /// Arithmetic and comparisons between two vectors, step by step as Prometheus's
    /// `VectorBinop`, with its errors for ambiguous matches.
    private func vectorVector(
        _ binary: Binary, _ lhs: [StepSeries], _ rhs: [StepSeries], _ matching: VectorMatching, _ steps: Steps
    ) throws(QueryError) -> [StepSeries] {
        guard !lhs.isEmpty, !rhs.isEmpty else { return [] }
        let op = binary.op
        let oneToMany = matching.cardinality == .oneToMany
        // The "many" side is walked, the "one" side looked up.
        let (many, one) = oneToMany ? (rhs, lhs) : (lhs, rhs)
        let names = Set(matching.labels.map { ExactString($0) })
        var ids: [Labels: Int] = [:]
        var signatureLabels: [Labels] = []
        func id(_ labels: Labels) -> Int {
            let key = signature(labels, matching, names)
            if let existing = ids[key] { return existing }
            ids[key] = signatureLabels.count
            signatureLabels.append(key)
            return signatureLabels.count - 1
        }
        let manySignatures = many.map { id($0.labels) }
        let oneSignatures = one.map { id($0.labels) }
        let manyByStep = elementsByStep(many, steps)
        let oneByStep = elementsByStep(one, steps)

        var outputIndex: [Labels: Int] = [:]
        var outputs: [StepSeries] = []
        var pairOutput: [Int: Int] = [:]
        var oneBySignature: [Int: (Int, Double)] = [:]
        var matched: [Int: Set<Int>] = [:]
        for step in 0..<steps.count {
            try checkInterrupt()
            guard !manyByStep[step].isEmpty, !oneByStep[step].isEmpty else { continue }
            let time = steps.time(at: step)
            oneBySignature.removeAll(keepingCapacity: true)
            for (index, value) in oneByStep[step] {
                let signature = oneSignatures[index]
                if let (duplicate, _) = oneBySignature[signature] {
                    throw .execution(
                        "found duplicate series for the match group \(signatureLabels[signature].goString) on the \(oneToMany ? "left" : "right") hand-side of the operation: [\(one[index].labels.goString), \(one[duplicate].labels.goString)];many-to-many matching not allowed: matching labels must be unique on one side"
                    )
                }
                oneBySignature[signature] = (index, value)
            }
            matched.removeAll(keepingCapacity: true)
            for (manyIndex, manyValue) in manyByStep[step] {
                let signature = manySignatures[manyIndex]
                guard let (oneIndex, oneValue) = oneBySignature[signature] else { continue }
                let (left, right) = oneToMany ? (oneValue, manyValue) : (manyValue, oneValue)
                var (value, keep) = Self.elementOperation(op, left, right)
                if binary.returnBool {
                    value = keep ? 1 : 0
                } else if !keep {
                    continue
                }
                let pair = manyIndex &* one.count &+ oneIndex
                let output: Int
                if let existing = pairOutput[pair] {
                    output = existing
                } else {
                    let labels = resultLabels(many[manyIndex].labels, one[oneIndex].labels, binary, matching, names)
                    if let existing = outputIndex[labels] {
                        output = existing
                    } else {
                        output = outputs.count
                        outputIndex[labels] = output
                        outputs.append(StepSeries(labels: labels, points: []))
                    }
                    pairOutput[pair] = output
                }
                if matching.cardinality == .oneToOne {
                    if matched[signature] != nil {
                        throw .execution("multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)")
                    }
                    matched[signature] = []
                } else {
                    if matched[signature, default: []].contains(output) {
                        throw .execution("multiple matches for labels: grouping labels must ensure unique matches")
                    }
                    matched[signature, default: []].insert(output)
                }
                if outputs[output].points.last?.timestamp == time {
                    throw .execution("vector cannot contain metrics with the same labelset")
                }
                outputs[output].points.append(Sample(timestamp: time, value: value))
            }
        }
        try account(outputs.reduce(0) { $0 + $1.points.count })
        return outputs.filter { !$0.points.isEmpty }
    }

    /// Prometheus's `resultMetric`: the many side's labels, trimmed for one-to-one matching,
    /// with `group_x` labels copied from the one side.
    private func resultLabels(_ many: Labels, _ one: Labels, _ binary: Binary, _ matching: VectorMatching, _ names: Set<ExactString>) -> Labels {
        var pairs = many.pairs
        if binary.op.dropsMetricName || binary.returnBool {
            pairs.removeAll { $0.name == Labels.metricName }
        }
        if matching.cardinality == .oneToOne {
            pairs.removeAll { names.contains(ExactString($0.name)) != matching.on }
        }
        var labels = Labels(pairs)
        for name in matching.include {
            labels = labels.setting(name, to: one[name] ?? "")
        }
        return labels
    }
}

extension BinaryOp {
    /// Arithmetic loses the metric name; comparisons and (in Prometheus 2) `atan2` keep it.
    var dropsMetricName: Bool {
        switch self {
        case .add, .subtract, .multiply, .divide, .power, .modulo: true
        default: false
        }
    }
}

extension Labels {
    /// Go's `labels.Labels.String()`, as Prometheus's error messages print series.
    var goString: String {
        "{" + pairs.map { "\($0.name)=\"\(escapingLabelValue($0.value))\"" }.joined(separator: ", ") + "}"
    }
}
