import OspreyModel

/// A parsed PromQL expression. Times and durations are milliseconds.
public indirect enum Expr: Sendable, Hashable {
    case number(Double)
    case string(String)
    case vectorSelector(VectorSelector)
    case matrixSelector(MatrixSelector)
    case subquery(Subquery)
    case call(Call)
    case aggregate(Aggregate)
    case binary(Binary)
    /// `-x` (a leading `+` is dropped by the parser, as Prometheus does).
    case negation(Expr)
    case parenthesized(Expr)

    /// The kind of value the expression evaluates to.
    public var type: ValueType {
        switch self {
        case .number: .scalar
        case .string: .string
        case .vectorSelector: .vector
        case .matrixSelector, .subquery: .matrix
        case .call(let call): call.function.returnType
        case .aggregate: .vector
        case .binary(let binary): binary.lhs.type == .scalar && binary.rhs.type == .scalar ? .scalar : .vector
        case .negation(let inner), .parenthesized(let inner): inner.type
        }
    }
}

/// The four value types of PromQL.
public enum ValueType: String, Sendable, Hashable {
    case scalar, vector, matrix, string
}

/// `@ <time>`, `@ start()`, `@ end()`.
public enum AtModifier: Sendable, Hashable {
    case timestamp(Timestamp)
    case start
    case end
}

/// `name{matchers} offset d @ t`.
public struct VectorSelector: Sendable, Hashable {
    /// The metric name when written before the braces; it is also among `matchers`.
    public var name: String?
    public var matchers: [LabelMatcher]
    /// Milliseconds; negative for `offset -5m`.
    public var offset: Int64
    public var at: AtModifier?

    public init(name: String?, matchers: [LabelMatcher], offset: Int64 = 0, at: AtModifier? = nil) {
        self.name = name
        self.matchers = matchers
        self.offset = offset
        self.at = at
    }
}

/// `selector[range]`; the selector carries offset and `@`.
public struct MatrixSelector: Sendable, Hashable {
    public var selector: VectorSelector
    public var range: Int64

    public init(selector: VectorSelector, range: Int64) {
        self.selector = selector
        self.range = range
    }
}

/// `expr[range:step] offset d @ t`; `step` nil means the engine's default resolution.
public struct Subquery: Sendable, Hashable {
    public var expr: Expr
    public var range: Int64
    public var step: Int64?
    public var offset: Int64
    public var at: AtModifier?

    public init(expr: Expr, range: Int64, step: Int64?, offset: Int64 = 0, at: AtModifier? = nil) {
        self.expr = expr
        self.range = range
        self.step = step
        self.offset = offset
        self.at = at
    }
}

/// A function call; `args` already checked against the function's signature.
public struct Call: Sendable, Hashable {
    public var function: Function
    public var args: [Expr]

    public init(function: Function, args: [Expr]) {
        self.function = function
        self.args = args
    }
}

/// `op [by|without (labels)] (param, expr)`.
public struct Aggregate: Sendable, Hashable {
    public var op: AggregateOp
    public var expr: Expr
    /// The parameter of `topk`, `bottomk`, `quantile`, `count_values`.
    public var param: Expr?
    public var grouping: [String]
    public var without: Bool

    public init(op: AggregateOp, expr: Expr, param: Expr? = nil, grouping: [String] = [], without: Bool = false) {
        self.op = op
        self.expr = expr
        self.param = param
        self.grouping = grouping
        self.without = without
    }
}

public enum AggregateOp: String, Sendable, Hashable, CaseIterable {
    case sum, avg, count, min, max, group, stddev, stdvar, topk, bottomk, quantile
    case countValues = "count_values"

    /// Whether the operator takes a parameter before the expression.
    public var takesParameter: Bool {
        switch self {
        case .topk, .bottomk, .quantile, .countValues: true
        default: false
        }
    }
}

/// `lhs op [bool] [on|ignoring (labels) [group_left|group_right (labels)]] rhs`.
public struct Binary: Sendable, Hashable {
    public var op: BinaryOp
    public var lhs: Expr
    public var rhs: Expr
    /// `bool` after a comparison: return 0/1 instead of filtering.
    public var returnBool: Bool
    /// Set when both sides are vectors (set operators always have one, many-to-many).
    public var matching: VectorMatching?

    public init(op: BinaryOp, lhs: Expr, rhs: Expr, returnBool: Bool = false, matching: VectorMatching? = nil) {
        self.op = op
        self.lhs = lhs
        self.rhs = rhs
        self.returnBool = returnBool
        self.matching = matching
    }
}

public enum BinaryOp: String, Sendable, Hashable, CaseIterable {
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case divide = "/"
    case modulo = "%"
    case power = "^"
    case equal = "=="
    case notEqual = "!="
    case greater = ">"
    case less = "<"
    case greaterOrEqual = ">="
    case lessOrEqual = "<="
    case and, or, unless
    case atan2

    public var isComparison: Bool {
        switch self {
        case .equal, .notEqual, .greater, .less, .greaterOrEqual, .lessOrEqual: true
        default: false
        }
    }

    public var isSetOperator: Bool { self == .and || self == .or || self == .unless }

    /// Binding strength, higher binds tighter (Prometheus's order).
    public var precedence: Int {
        switch self {
        case .or: 1
        case .and, .unless: 2
        case .equal, .notEqual, .greater, .less, .greaterOrEqual, .lessOrEqual: 3
        case .add, .subtract: 4
        case .multiply, .divide, .modulo, .atan2: 5
        case .power: 6
        }
    }

    public var isRightAssociative: Bool { self == .power }
}

/// How the series of two vectors pair up.
public struct VectorMatching: Sendable, Hashable {
    public enum Cardinality: Sendable, Hashable {
        case oneToOne, manyToOne, oneToMany, manyToMany
    }

    public var cardinality: Cardinality
    /// The labels after `on` or `ignoring`.
    public var labels: [String]
    /// `on(...)` when true, `ignoring(...)` (or nothing) when false.
    public var on: Bool
    /// The labels after `group_left`/`group_right`, copied from the "one" side.
    public var include: [String]

    public init(cardinality: Cardinality = .oneToOne, labels: [String] = [], on: Bool = false, include: [String] = []) {
        self.cardinality = cardinality
        self.labels = labels
        self.on = on
        self.include = include
    }
}
