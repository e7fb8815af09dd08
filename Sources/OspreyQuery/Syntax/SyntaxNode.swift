/// An expression as the parser builds it, before type checking: Prometheus's node kinds (a unary
/// `+` is still there), each with the byte offset where it starts, since type errors point
/// there. Once it type-checks it becomes an `Expr`.
struct SyntaxNode: Sendable {
    indirect enum Kind: Sendable {
        case number(Double)
        case string(String)
        case vectorSelector(VectorSelector)
        case matrixSelector(MatrixSelector)
        case subquery(SubqueryNode)
        case call(Function, arguments: [SyntaxNode])
        case aggregate(AggregateNode)
        case binary(BinaryNode)
        case unary(negated: Bool, SyntaxNode)
        case parenthesized(SyntaxNode)
    }

    struct SubqueryNode: Sendable {
        var expr: SyntaxNode
        var range: Int64
        var step: Int64?
        var offset: Int64 = 0
        var at: AtModifier?
    }

    struct AggregateNode: Sendable {
        var op: AggregateOp
        var expr: SyntaxNode
        var param: SyntaxNode?
        var grouping: [String]
        var without: Bool
    }

    struct BinaryNode: Sendable {
        var op: BinaryOp
        var lhs: SyntaxNode
        var rhs: SyntaxNode
        var returnBool: Bool
        /// As written; the type checker decides whether it applies (both sides vectors).
        var matching: VectorMatching
        /// Where the operator is, for messages about the operator itself.
        var operatorOffset: Int
    }

    let kind: Kind
    let offset: Int
    /// Levels of nesting, 1 for a leaf. The parser bounds it, because checking, lowering and
    /// printing recurse once per level.
    let height: Int

    init(kind: Kind, offset: Int) {
        self.kind = kind
        self.offset = offset
        let children: [SyntaxNode] =
            switch kind {
            case .number, .string, .vectorSelector, .matrixSelector: []
            case .subquery(let subquery): [subquery.expr]
            case .call(_, let arguments): arguments
            case .aggregate(let aggregate): [aggregate.expr] + (aggregate.param.map { [$0] } ?? [])
            case .binary(let binary): [binary.lhs, binary.rhs]
            case .unary(_, let operand), .parenthesized(let operand): [operand]
            }
        height = 1 + (children.map(\.height).max() ?? 0)
    }

    /// The value type, as Prometheus's `Type()` gives it.
    var type: ValueType {
        switch kind {
        case .number: .scalar
        case .string: .string
        case .vectorSelector: .vector
        case .matrixSelector, .subquery: .matrix
        case .call(let function, _): function.returnType
        case .aggregate: .vector
        case .binary(let binary): binary.lhs.type == .scalar && binary.rhs.type == .scalar ? .scalar : .vector
        case .unary(_, let operand), .parenthesized(let operand): operand.type
        }
    }

    /// The public tree. Vector matching stays only between two vectors, and set operators match
    /// many-to-many, as Prometheus's type checker leaves them.
    var expr: Expr {
        switch kind {
        case .number(let value): return .number(value)
        case .string(let value): return .string(value)
        case .vectorSelector(let selector): return .vectorSelector(selector)
        case .matrixSelector(let matrix): return .matrixSelector(matrix)
        case .subquery(let subquery):
            return .subquery(
                Subquery(
                    expr: subquery.expr.expr, range: subquery.range, step: subquery.step,
                    offset: subquery.offset, at: subquery.at))
        case .call(let function, let arguments):
            return .call(Call(function: function, args: arguments.map(\.expr)))
        case .aggregate(let aggregate):
            return .aggregate(
                Aggregate(
                    op: aggregate.op, expr: aggregate.expr.expr, param: aggregate.param?.expr,
                    grouping: aggregate.grouping, without: aggregate.without))
        case .binary(let binary):
            var matching: VectorMatching?
            if binary.lhs.type == .vector && binary.rhs.type == .vector {
                matching = binary.matching
                if binary.op.isSetOperator && binary.matching.cardinality == .oneToOne {
                    matching?.cardinality = .manyToMany
                }
            }
            return .binary(
                Binary(
                    op: binary.op, lhs: binary.lhs.expr, rhs: binary.rhs.expr,
                    returnBool: binary.returnBool, matching: matching))
        case .unary(let negated, let operand):
            return negated ? .negation(operand.expr) : operand.expr
        case .parenthesized(let inner):
            return .parenthesized(inner.expr)
        }
    }
}
