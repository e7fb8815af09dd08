extension PromQL {
    /// Prometheus's `Prettify` (behind `/api/v1/format_query`): an expression whose canonical
    /// text is longer than 100 bytes is split over lines, its parts indented two spaces per
    /// level; shorter parts stay on one line. Selectors are never split.
    public static func prettify(_ expr: Expr) -> String {
        Prettifier().pretty(expr, level: 0)
    }
}

private struct Prettifier {
    let maximumLineLength = 100

    func pretty(_ expr: Expr, level: Int) -> String {
        let indent = indentation(level)
        let text = expr.description
        // Prometheus prints a short subquery without its indentation; kept for identical output.
        if case .subquery = expr, !needsSplit(text) { return text }
        guard needsSplit(text) else { return indent + text }

        switch expr {
        case .aggregate(let aggregate):
            var lines = indent + aggregate.operatorAndGrouping + "(\n"
            if let param = aggregate.param {
                lines += pretty(param, level: level + 1) + ",\n"
            }
            return lines + pretty(aggregate.expr, level: level + 1) + "\n" + indent + ")"
        case .binary(let binary):
            return pretty(binary.lhs, level: level + 1) + "\n" + indent + binary.operatorAndModifiers + "\n"
                + pretty(binary.rhs, level: level + 1)
        case .call(let call):
            let arguments = call.args.map { pretty($0, level: level + 1) }.joined(separator: ",\n")
            return indent + call.function.name + "(\n" + arguments + "\n" + indent + ")"
        case .parenthesized(let inner):
            return indent + "(\n" + pretty(inner, level: level + 1) + "\n" + indent + ")"
        case .subquery(let subquery):
            return pretty(subquery.expr, level: level) + subquery.timeSuffix
        case .negation(let operand):
            // The operand's own indentation goes; the sign carries it.
            return indent + "-" + trimmingWhitespace(pretty(operand, level: level))
        case .number, .string, .vectorSelector, .matrixSelector:
            return indent + text
        }
    }

    private func needsSplit(_ text: String) -> Bool {
        text.utf8.count > maximumLineLength
    }

    private func indentation(_ level: Int) -> String {
        String(repeating: "  ", count: level)
    }

    private func trimmingWhitespace(_ text: String) -> String {
        let isWhitespace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        return String(text.drop(while: isWhitespace).reversed().drop(while: isWhitespace).reversed())
    }
}
