import OspreyGoCompat
import OspreyModel

/// The canonical text of an expression, as Prometheus's `String()` prints it: aggregation
/// modifiers before the arguments, matchers sorted, `@` before `offset`, durations normalised
/// (`90m` is `1h30m`), numbers as Go prints them. Parsing the text gives the expression back.
extension Expr: CustomStringConvertible {
    public var description: String {
        switch self {
        case .number(let value): GoNumber.format(value)
        case .string(let value): GoQuote.promQLString(value)
        case .vectorSelector(let selector): selector.description
        case .matrixSelector(let matrix): matrix.description
        case .subquery(let subquery): subquery.description
        case .call(let call): call.description
        case .aggregate(let aggregate): aggregate.description
        case .binary(let binary): binary.description
        case .negation(let operand): "-" + operand.description
        case .parenthesized(let inner): "(" + inner.description + ")"
        }
    }
}

extension VectorSelector: CustomStringConvertible {
    public var description: String {
        // The name matcher is implied by the name in front; every other matcher is printed.
        let labels =
            matchers
            .filter { !($0.name == Labels.metricName && $0.kind == .equal && $0.value == (name ?? "")) }
            .map(\.canonicalText)
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let braces = labels.isEmpty ? "" : "{" + labels.joined(separator: ",") + "}"
        return (name ?? "") + braces + modifierSuffix(at: at, offset: offset)
    }
}

extension MatrixSelector: CustomStringConvertible {
    public var description: String {
        var bare = selector
        bare.offset = 0
        bare.at = nil
        return bare.description + "[" + durationString(range) + "]"
            + modifierSuffix(at: selector.at, offset: selector.offset)
    }
}

extension Subquery: CustomStringConvertible {
    public var description: String {
        expr.description + timeSuffix
    }

    /// `[range:step] @ t offset d`, also used by the prettifier.
    var timeSuffix: String {
        "[" + durationString(range) + ":" + (step.map(durationString) ?? "") + "]"
            + modifierSuffix(at: at, offset: offset)
    }
}

extension Call: CustomStringConvertible {
    public var description: String {
        function.name + "(" + args.map(\.description).joined(separator: ", ") + ")"
    }
}

extension Aggregate: CustomStringConvertible {
    public var description: String {
        var text = operatorAndGrouping + "("
        if let param {
            text += param.description + ", "
        }
        return text + expr.description + ")"
    }

    /// `sum`, `sum by (a) `, `sum without (a) `: the part before the arguments.
    var operatorAndGrouping: String {
        let labels = grouping.joined(separator: ", ")
        if without { return op.rawValue + " without (\(labels)) " }
        if !grouping.isEmpty { return op.rawValue + " by (\(labels)) " }
        return op.rawValue
    }
}

extension Binary: CustomStringConvertible {
    public var description: String {
        lhs.description + " " + operatorAndModifiers + " " + rhs.description
    }

    /// `+`, `== bool`, `* on (a) group_left (b)`: the part between the operands.
    var operatorAndModifiers: String {
        var text = op.rawValue + (returnBool ? " bool" : "")
        // Prometheus prints matching only when it says something: `on`, or labels to ignore.
        guard let matching, matching.on || !matching.labels.isEmpty else { return text }
        text += (matching.on ? " on" : " ignoring") + " (" + matching.labels.joined(separator: ", ") + ")"
        switch matching.cardinality {
        case .manyToOne: text += " group_left (" + matching.include.joined(separator: ", ") + ")"
        case .oneToMany: text += " group_right (" + matching.include.joined(separator: ", ") + ")"
        case .oneToOne, .manyToMany: break
        }
        return text
    }
}

extension LabelMatcher {
    /// `name="value"` with Go's quoting, as selectors print it (and sort by it).
    var canonicalText: String {
        name + kind.rawValue + GoQuote.promQLString(value)
    }
}

private func modifierSuffix(at: AtModifier?, offset: Int64) -> String {
    var text = ""
    switch at {
    case .timestamp(let milliseconds): text += " @ " + GoNumber.seconds(milliseconds: milliseconds)
    case .start: text += " @ start()"
    case .end: text += " @ end()"
    case nil: break
    }
    if offset > 0 {
        text += " offset " + durationString(offset)
    } else if offset < 0 {
        text += " offset -" + durationString(-offset)
    }
    return text
}

private func durationString(_ milliseconds: Int64) -> String {
    Duration.milliseconds(milliseconds).prometheusString
}
