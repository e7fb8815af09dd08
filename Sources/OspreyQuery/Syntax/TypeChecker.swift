import OspreyGoCompat
import OspreyModel

/// Prometheus's type checks (`checkAST`), run on a tree that parsed without syntax errors.
/// Children are checked before the node that holds them, except that a call's argument count
/// comes before its arguments, so the first error found is the one Prometheus reports.
struct TypeChecker {
    let source: SourceText

    @discardableResult
    func check(_ node: SyntaxNode) throws(ParseError) -> ValueType {
        switch node.kind {
        case .number, .string:
            break
        case .vectorSelector(let selector):
            try checkSelector(selector, at: node.offset)
        case .matrixSelector(let matrix):
            try checkSelector(matrix.selector, at: node.offset)
        case .subquery(let subquery):
            let type = try check(subquery.expr)
            if type != .vector {
                throw source.error(at: node.offset, "subquery is only allowed on instant vector, got \(type.rawValue) instead")
            }
        case .call(let function, let arguments):
            try checkCall(function, arguments, at: node.offset)
        case .aggregate(let aggregate):
            try expect(aggregate.expr, .vector, in: "aggregation expression")
            if let param = aggregate.param {
                try expect(param, aggregate.op == .countValues ? .string : .scalar, in: "aggregation parameter")
            }
        case .binary(let binary):
            try checkBinary(binary, at: node.offset)
        case .unary(_, let operand):
            let type = try check(operand)
            if type != .scalar && type != .vector {
                throw source.error(
                    at: node.offset,
                    "unary expression only allowed on expressions of type scalar or instant vector, got \"\(type.documentedName)\"")
            }
        case .parenthesized(let inner):
            try check(inner)
        }
        return node.type
    }

    private func expect(_ node: SyntaxNode, _ wanted: ValueType, in context: String) throws(ParseError) {
        let type = try check(node)
        if type != wanted {
            throw source.error(
                at: node.offset, "expected type \(wanted.documentedName) in \(context), got \(type.documentedName)")
        }
    }

    private func checkSelector(_ selector: VectorSelector, at offset: Int) throws(ParseError) {
        if let name = selector.name {
            // The name written before the braces is the last matcher; another `__name__` clashes.
            for matcher in selector.matchers.dropLast() where matcher.name == Labels.metricName {
                throw source.error(
                    at: offset,
                    "metric name must not be set twice: \(GoQuote.promQLString(name)) or \(GoQuote.promQLString(matcher.value))")
            }
            return
        }
        // Otherwise a typo could select every series.
        if selector.matchers.allSatisfy(\.matchesEmpty) {
            throw source.error(at: offset, "vector selector must contain at least one non-empty matcher")
        }
    }

    private func checkCall(_ function: Function, _ arguments: [SyntaxNode], at offset: Int) throws(ParseError) {
        let declared = function.argumentTypes.count
        let name = GoQuote.promQLString(function.name)
        if function.variadic == 0 {
            if arguments.count != declared {
                throw source.error(
                    at: offset, "expected \(declared) argument(s) in call to \(name), got \(arguments.count)")
            }
        } else {
            let required = declared - 1
            if arguments.count < required {
                throw source.error(
                    at: offset, "expected at least \(required) argument(s) in call to \(name), got \(arguments.count)")
            }
            if function.variadic > 0, arguments.count > required + function.variadic {
                throw source.error(
                    at: offset,
                    "expected at most \(required + function.variadic) argument(s) in call to \(name), got \(arguments.count)")
            }
        }
        for (index, argument) in arguments.enumerated() {
            // Extra arguments of a variadic function take the last declared type.
            let type = function.argumentTypes[min(index, declared - 1)]
            try expect(argument, type, in: "call to function \(name)")
        }
    }

    private func checkBinary(_ binary: SyntaxNode.BinaryNode, at offset: Int) throws(ParseError) {
        let lhs = try check(binary.lhs)
        let rhs = try check(binary.rhs)
        let op = binary.op
        let quotedOp = GoQuote.promQLString(op.rawValue)

        if binary.returnBool && !op.isComparison {
            throw source.error(at: binary.operatorOffset, "bool modifier can only be used on comparison operators")
        }
        if op.isComparison && !binary.returnBool && lhs == .scalar && rhs == .scalar {
            throw source.error(at: binary.operatorOffset, "comparisons between scalars must use BOOL modifier")
        }
        let matching = binary.matching
        if matching.on, let label = matching.labels.first(where: matching.include.contains) {
            throw source.error(
                at: binary.operatorOffset,
                "label \(GoQuote.promQLString(label)) must not occur in ON and GROUP clause at once")
        }
        if lhs != .scalar && lhs != .vector {
            throw source.error(at: binary.lhs.offset, "binary expression must contain only scalar and instant vector types")
        }
        if rhs != .scalar && rhs != .vector {
            throw source.error(at: binary.rhs.offset, "binary expression must contain only scalar and instant vector types")
        }
        if lhs != .vector || rhs != .vector {
            if !matching.labels.isEmpty {
                throw source.error(at: offset, "vector matching only allowed between instant vectors")
            }
        } else if op.isSetOperator, matching.cardinality == .manyToOne || matching.cardinality == .oneToMany {
            throw source.error(at: offset, "no grouping allowed for \(quotedOp) operation")
        }
        if (lhs == .scalar || rhs == .scalar) && op.isSetOperator {
            throw source.error(at: offset, "set operator \(quotedOp) not allowed in binary scalar expression")
        }
    }
}

extension ValueType {
    /// The name Prometheus's messages use: "instant vector", "range vector", …
    var documentedName: String {
        switch self {
        case .scalar: "scalar"
        case .vector: "instant vector"
        case .matrix: "range vector"
        case .string: "string"
        }
    }
}
