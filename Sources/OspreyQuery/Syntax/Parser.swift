import OspreyGoCompat
import OspreyModel

/// Parses PromQL text into an expression, checking types as Prometheus's parser does.
public enum PromQL {
    /// Parses a whole query (Prometheus's `ParseExpr`): syntax first, then types, so a query
    /// with both kinds of error reports the syntax error, as Prometheus does.
    public static func parse(_ text: String) throws(ParseError) -> Expr {
        var parser = Parser(text)
        let node = try parser.parseQuery()
        try TypeChecker(source: parser.source).check(node)
        return node.expr
    }

    /// Parses a series selector such as `up{job="a"}` for `match[]` parameters (Prometheus's
    /// `ParseMetricSelector`). Nothing but a selector is allowed, and, as in Prometheus, an
    /// all-empty selector such as `{}` is left for the caller to reject.
    public static func parseSelector(_ text: String) throws(ParseError) -> VectorSelector {
        var parser = Parser(text)
        return try parser.parseSelectorOnly()
    }
}

/// A recursive-descent parser for Prometheus's grammar. Binary operators go by precedence
/// climbing; `[…]`, `offset` and `@` bind tighter than any operator and apply to what precedes
/// them. Errors are thrown at the first problem, with the message and position Prometheus's
/// generated parser gives for it.
struct Parser {
    let source: SourceText
    private var lexer: Lexer
    private var lookahead: Token?
    /// Aggregations whose modifiers or arguments are being read. Prometheus's grammar recovers
    /// from errors there with "in aggregation", so an unexpected token says so.
    private var openAggregations = 0
    /// Expressions being read inside one another.
    private var nesting = 0

    /// Parsing, checking, lowering and printing all recurse once per level of nesting, so a
    /// deeper query is refused rather than allowed to overflow the stack. Real queries nest a
    /// few levels; Prometheus has no such limit.
    static let maximumNesting = 256

    init(_ text: String) {
        source = SourceText(text)
        lexer = Lexer(source)
    }

    mutating func parseQuery() throws(ParseError) -> SyntaxNode {
        if try peek().kind == .endOfInput {
            throw source.error(at: 0, "no expression found in input")
        }
        let node = try expression()
        let next = try take()
        guard next.kind == .endOfInput else { throw unexpected(next) }
        return node
    }

    mutating func parseSelectorOnly() throws(ParseError) -> VectorSelector {
        let first = try take()
        let selector: VectorSelector
        if first.kind == .leftBrace {
            selector = try vectorSelector(name: nil)
        } else if first.canNameMetric {
            selector = try namedSelector(first)
        } else {
            throw unexpected(first)
        }
        let next = try take()
        guard next.kind == .endOfInput else { throw unexpected(next) }
        return selector
    }

    // MARK: - Operators

    /// Binary expressions whose operators bind at least as tightly as `minimumPrecedence`.
    private mutating func expression(minimumPrecedence: Int = 1) throws(ParseError) -> SyntaxNode {
        nesting += 1
        defer { nesting -= 1 }
        if nesting > Self.maximumNesting { throw tooDeeplyNested(at: try peek().offset) }
        var lhs = try unary()
        while true {
            let token = try peek()
            guard case .binaryOperator(let op) = token.kind, op.precedence >= minimumPrecedence else {
                return lhs
            }
            _ = try take()
            let (returnBool, matching) = try binaryModifiers()
            let rhs = try expression(minimumPrecedence: op.isRightAssociative ? op.precedence : op.precedence + 1)
            let binary = SyntaxNode.BinaryNode(
                op: op, lhs: lhs, rhs: rhs, returnBool: returnBool, matching: matching, operatorOffset: token.offset)
            lhs = try bounded(SyntaxNode(kind: .binary(binary), offset: lhs.offset), at: token.offset)
        }
    }

    /// A leading `-` or `+` binds tighter than every binary operator but `^`, so `-2^2` is -4.
    /// On a number literal it folds into the number, as in Prometheus.
    private mutating func unary() throws(ParseError) -> SyntaxNode {
        let token = try peek()
        guard case .binaryOperator(let op) = token.kind, op == .add || op == .subtract else {
            return try postfix(primary())
        }
        _ = try take()
        let operand = try expression(minimumPrecedence: BinaryOp.power.precedence)
        if case .number(let value) = operand.kind {
            return SyntaxNode(kind: .number(op == .subtract ? -value : value), offset: token.offset)
        }
        let node = SyntaxNode(kind: .unary(negated: op == .subtract, operand), offset: token.offset)
        return try bounded(node, at: token.offset)
    }

    /// `bool`, then `on`/`ignoring (…)`, then `group_left`/`group_right [(…)]`, in that order.
    private mutating func binaryModifiers() throws(ParseError) -> (returnBool: Bool, matching: VectorMatching) {
        var returnBool = false
        var matching = VectorMatching()
        if try peek().kind == .keyword(.bool) {
            _ = try take()
            returnBool = true
        }
        let keyword = try peek().kind
        guard keyword == .keyword(.on) || keyword == .keyword(.ignoring) else {
            return (returnBool, matching)
        }
        _ = try take()
        matching.on = keyword == .keyword(.on)
        matching.labels = try groupingLabels()

        let group = try peek().kind
        guard group == .keyword(.groupLeft) || group == .keyword(.groupRight) else {
            return (returnBool, matching)
        }
        _ = try take()
        matching.cardinality = group == .keyword(.groupLeft) ? .manyToOne : .oneToMany
        // The label list is optional; a `(` here is always taken as the list.
        let next = try peek()
        if next.kind == .leftParen {
            matching.include = try groupingLabels()
        } else if !next.canStartExpression {
            throw unexpected(next, in: "grouping opts", expected: "\"(\"")
        }
        return (returnBool, matching)
    }

    // MARK: - Operands

    private mutating func primary() throws(ParseError) -> SyntaxNode {
        let token = try take()
        switch token.kind {
        case .number:
            return SyntaxNode(kind: .number(try number(token)), offset: token.offset)
        case .string:
            return SyntaxNode(kind: .string(token.stringValue ?? ""), offset: token.offset)
        case .leftParen:
            let inner = try expression()
            let close = try take()
            guard close.kind == .rightParen else { throw unexpected(close) }
            return SyntaxNode(kind: .parenthesized(inner), offset: token.offset)
        case .leftBrace:
            return SyntaxNode(kind: .vectorSelector(try vectorSelector(name: nil)), offset: token.offset)
        case .identifier where try peek().kind == .leftParen:
            return try functionCall(named: token)
        case .aggregator(let op) where try peek().opensAggregation:
            return try aggregation(op, at: token)
        default:
            guard token.canNameMetric else { throw unexpected(token) }
            return SyntaxNode(kind: .vectorSelector(try namedSelector(token)), offset: token.offset)
        }
    }

    private mutating func functionCall(named name: Token) throws(ParseError) -> SyntaxNode {
        let arguments = try callArguments()
        guard let function = Function.named(name.text) else {
            throw source.error(at: name.offset, "unknown function with name \(GoQuote.promQLString(name.text))")
        }
        return SyntaxNode(kind: .call(function, arguments: arguments), offset: name.offset)
    }

    /// `( expr, expr, … )`, shared by function calls and aggregations.
    private mutating func callArguments() throws(ParseError) -> [SyntaxNode] {
        _ = try take()
        if try peek().kind == .rightParen {
            _ = try take()
            return []
        }
        var arguments: [SyntaxNode] = []
        while true {
            arguments.append(try expression())
            let separator = try take()
            switch separator.kind {
            case .rightParen:
                return arguments
            case .comma:
                if try !peek().canStartExpression {
                    throw source.error(at: separator.offset, "trailing commas not allowed in function call args")
                }
            default:
                throw unexpected(separator)
            }
        }
    }

    /// `sum by (a) (x)` or `sum (x) by (a)`; the operator token is already taken.
    private mutating func aggregation(_ op: AggregateOp, at opToken: Token) throws(ParseError) -> SyntaxNode {
        openAggregations += 1
        var grouping: [String] = []
        var without = false
        var modifierRead = false
        if case .keyword(let keyword) = try peek().kind, keyword == .by || keyword == .without {
            _ = try take()
            (grouping, without) = (try groupingLabels(), keyword == .without)
            modifierRead = true
        }
        let open = try peek()
        guard open.kind == .leftParen else { throw unexpected(open) }
        let arguments = try callArguments()
        if !modifierRead, case .keyword(let keyword) = try peek().kind, keyword == .by || keyword == .without {
            _ = try take()
            (grouping, without) = (try groupingLabels(), keyword == .without)
        }
        openAggregations -= 1

        guard !arguments.isEmpty else {
            throw source.error(at: opToken.offset, "no arguments for aggregate expression provided")
        }
        let expected = op.takesParameter ? 2 : 1
        guard arguments.count == expected else {
            throw source.error(
                at: opToken.offset,
                "wrong number of arguments for aggregate expression provided, expected \(expected), got \(arguments.count)")
        }
        let aggregate = SyntaxNode.AggregateNode(
            op: op, expr: arguments[expected - 1], param: op.takesParameter ? arguments[0] : nil,
            grouping: grouping, without: without)
        return SyntaxNode(kind: .aggregate(aggregate), offset: opToken.offset)
    }

    /// `(a, b, …)` after `by`, `without`, `on`, `ignoring`, `group_left`, `group_right`. Keywords
    /// are fine as label names here, except `without`, which Prometheus's grammar leaves out.
    private mutating func groupingLabels() throws(ParseError) -> [String] {
        let open = try take()
        guard open.kind == .leftParen else { throw unexpected(open, in: "grouping opts", expected: "\"(\"") }
        var labels: [String] = []
        if try peek().kind == .rightParen {
            _ = try take()
            return labels
        }
        while true {
            let label = try take()
            guard label.canNameGroupingLabel, isLabelName(label.text) else {
                throw unexpected(label, in: "grouping opts", expected: "label")
            }
            labels.append(label.text)
            let separator = try take()
            switch separator.kind {
            case .rightParen:
                return labels
            case .comma:
                if try peek().kind == .rightParen {
                    _ = try take()
                    return labels
                }
            default:
                throw unexpected(separator, in: "grouping opts", expected: "\",\" or \")\"")
            }
        }
    }

    // MARK: - Selectors

    /// `name` or `name{…}`; the name token is already taken.
    private mutating func namedSelector(_ name: Token) throws(ParseError) -> VectorSelector {
        let braced = try peek().kind == .leftBrace
        if braced { _ = try take() }
        return try vectorSelector(name: name.text, braced: braced)
    }

    /// The selector after its name and, when `braced`, its opening brace. Matchers stay in the
    /// order written, which `absent` depends on; the name becomes a `__name__` matcher after the
    /// others, where Prometheus puts it.
    private mutating func vectorSelector(name: String?, braced: Bool = true) throws(ParseError) -> VectorSelector {
        var matchers = braced ? try labelMatchers() : []
        if let name {
            matchers.append(.equal(Labels.metricName, name))
        }
        return VectorSelector(name: name, matchers: matchers)
    }

    /// The matchers up to the closing brace; the opening brace is already taken.
    private mutating func labelMatchers() throws(ParseError) -> [LabelMatcher] {
        var matchers: [LabelMatcher] = []
        if try peek().kind == .rightBrace {
            _ = try take()
            return matchers
        }
        while true {
            let name = try take()
            guard name.kind == .identifier else {
                throw unexpected(name, in: "label matching", expected: "identifier or \"}\"")
            }
            let operation = try take()
            let kind: LabelMatcher.Kind
            switch operation.kind {
            case .assign: kind = .equal
            case .binaryOperator(.notEqual): kind = .notEqual
            case .regexMatch: kind = .regex
            case .regexNoMatch: kind = .notRegex
            default: throw unexpected(operation, in: "label matching", expected: "label matching operator")
            }
            let value = try take()
            guard value.kind == .string, let text = value.stringValue else {
                throw unexpected(value, in: "label matching", expected: "string")
            }
            do {
                matchers.append(try LabelMatcher(kind, name.text, text))
            } catch {
                // The reason is Go's, about the pattern anchored as Prometheus anchors it.
                throw source.error(at: name.offset, "error parsing regexp: \(error.reason)")
            }
            let separator = try take()
            switch separator.kind {
            case .rightBrace:
                return matchers
            case .comma:
                if try peek().kind == .rightBrace {
                    _ = try take()
                    return matchers
                }
            default:
                throw unexpected(separator, in: "label matching", expected: "\",\" or \"}\"")
            }
        }
    }

    // MARK: - Postfix: ranges, subqueries, offset, @

    private mutating func postfix(_ operand: SyntaxNode) throws(ParseError) -> SyntaxNode {
        var node = operand
        while true {
            let token = try peek()
            switch token.kind {
            case .leftBracket:
                _ = try take()
                node = try rangeOrSubquery(of: node, bracket: token)
            case .keyword(.offset):
                _ = try take()
                node = try offset(of: node)
            case .at:
                _ = try take()
                node = try at(of: node)
            default:
                return try bounded(node, at: token.offset)
            }
        }
    }

    private mutating func rangeOrSubquery(of node: SyntaxNode, bracket: Token) throws(ParseError) -> SyntaxNode {
        let rangeToken = try take()
        guard rangeToken.kind == .duration else {
            throw unexpected(rangeToken, in: "subquery selector", expected: "duration")
        }
        let range = try positiveDuration(rangeToken)
        let next = try take()
        switch next.kind {
        case .rightBracket:
            guard case .vectorSelector(let selector) = node.kind else {
                throw source.error(at: bracket.offset, "ranges only allowed for vector selectors")
            }
            if selector.offset != 0 {
                throw source.error(at: bracket.offset, "no offset modifiers allowed before range")
            }
            // Only a timestamp counts: Prometheus lets `foo @ start() [5m]` through.
            if case .timestamp = selector.at {
                throw source.error(at: bracket.offset, "no @ modifiers allowed before range")
            }
            return SyntaxNode(kind: .matrixSelector(MatrixSelector(selector: selector, range: range)), offset: node.offset)
        case .colon:
            var step: Int64?
            let stepToken = try take()
            switch stepToken.kind {
            case .rightBracket:
                break
            case .duration:
                step = try positiveDuration(stepToken)
                let close = try take()
                guard close.kind == .rightBracket else {
                    throw unexpected(close, in: "subquery selector", expected: "\"]\"")
                }
            default:
                throw unexpected(stepToken, in: "subquery selector", expected: "duration or \"]\"")
            }
            let subquery = SyntaxNode.SubqueryNode(expr: node, range: range, step: step)
            return SyntaxNode(kind: .subquery(subquery), offset: node.offset)
        default:
            throw unexpected(next, in: "subquery or range", expected: "\":\" or \"]\"")
        }
    }

    private mutating func offset(of node: SyntaxNode) throws(ParseError) -> SyntaxNode {
        var token = try take()
        let negative = token.kind == .binaryOperator(.subtract)
        if negative { token = try take() }
        guard token.kind == .duration else { throw unexpected(token, in: "offset", expected: "duration") }
        let duration = try positiveDuration(token)
        let offset = negative ? -duration : duration

        var modified = node
        let alreadySet: Bool
        switch node.kind {
        case .vectorSelector(var selector):
            alreadySet = selector.offset != 0
            selector.offset = offset
            modified = SyntaxNode(kind: .vectorSelector(selector), offset: node.offset)
        case .matrixSelector(var matrix):
            alreadySet = matrix.selector.offset != 0
            matrix.selector.offset = offset
            modified = SyntaxNode(kind: .matrixSelector(matrix), offset: node.offset)
        case .subquery(var subquery):
            alreadySet = subquery.offset != 0
            subquery.offset = offset
            modified = SyntaxNode(kind: .subquery(subquery), offset: node.offset)
        default:
            throw source.error(
                at: node.offset,
                "offset modifier must be preceded by an instant vector selector or range vector selector or a subquery")
        }
        if alreadySet { throw source.error(at: node.offset, "offset may not be set multiple times") }
        return modified
    }

    private mutating func at(of node: SyntaxNode) throws(ParseError) -> SyntaxNode {
        let token = try take()
        let modifier: AtModifier
        switch token.kind {
        case .number:
            modifier = try timestamp(seconds: number(token), of: node)
        case .binaryOperator(let sign) where sign == .add || sign == .subtract:
            let numberToken = try take()
            guard numberToken.kind == .number else { throw unexpected(numberToken, in: "@", expected: "timestamp") }
            let value = try number(numberToken)
            modifier = try timestamp(seconds: sign == .subtract ? -value : value, of: node)
        case .start, .end:
            for expected in [Token.Kind.leftParen, .rightParen] {
                let next = try take()
                guard next.kind == expected else { throw unexpected(next, in: "@", expected: "timestamp") }
            }
            modifier = token.kind == .start ? .start : .end
        default:
            throw unexpected(token, in: "@", expected: "timestamp")
        }

        var modified = node
        let alreadySet: Bool
        switch node.kind {
        case .vectorSelector(var selector):
            alreadySet = selector.at != nil
            selector.at = modifier
            modified = SyntaxNode(kind: .vectorSelector(selector), offset: node.offset)
        case .matrixSelector(var matrix):
            alreadySet = matrix.selector.at != nil
            matrix.selector.at = modifier
            modified = SyntaxNode(kind: .matrixSelector(matrix), offset: node.offset)
        case .subquery(var subquery):
            alreadySet = subquery.at != nil
            subquery.at = modifier
            modified = SyntaxNode(kind: .subquery(subquery), offset: node.offset)
        default:
            throw source.error(
                at: node.offset,
                "@ modifier must be preceded by an instant vector selector or range vector selector or a subquery")
        }
        if alreadySet { throw source.error(at: node.offset, "@ <timestamp> may not be set multiple times") }
        return modified
    }

    /// Seconds to milliseconds, rounded half away from zero like Go's `math.Round`. Prometheus
    /// bounds the seconds by int64 and then lets the milliseconds wrap (`@ 1e18` means some time
    /// in 1677); here a time whose milliseconds do not fit is refused with Prometheus's words.
    private func timestamp(seconds: Double, of node: SyntaxNode) throws(ParseError) -> AtModifier {
        guard let milliseconds = seconds.roundedMilliseconds else {
            throw source.error(
                at: node.offset, "timestamp out of bounds for @ modifier: \(GoNumber.fixedSixDecimals(seconds))")
        }
        return .timestamp(milliseconds)
    }

    // MARK: - Literals

    private func number(_ token: Token) throws(ParseError) -> Double {
        switch GoNumber.parse(token.text) {
        case .success(let value): return value
        case .failure(let error): throw source.error(at: token.offset, "error parsing number: \(error.message)")
        }
    }

    /// Milliseconds of a range, step or offset; Prometheus wants them above zero.
    private func positiveDuration(_ token: Token) throws(ParseError) -> Int64 {
        switch DurationLiteral.milliseconds(token.text) {
        case .success(let milliseconds):
            guard milliseconds > 0 else { throw source.error(at: token.offset, "duration must be greater than 0") }
            return milliseconds
        case .failure(let error):
            throw source.error(at: token.offset, error.message)
        }
    }

    // MARK: - Tokens

    private mutating func peek() throws(ParseError) -> Token {
        if let lookahead { return lookahead }
        let token = try lexer.next()
        lookahead = token
        return token
    }

    private mutating func take() throws(ParseError) -> Token {
        let token = try peek()
        lookahead = nil
        return token
    }

    private func bounded(_ node: SyntaxNode, at offset: Int) throws(ParseError) -> SyntaxNode {
        guard node.height <= Self.maximumNesting else { throw tooDeeplyNested(at: offset) }
        return node
    }

    private func tooDeeplyNested(at offset: Int) -> ParseError {
        source.error(at: offset, "expression nested more than \(Self.maximumNesting) levels deep")
    }

    /// Prometheus's "unexpected …" message. Without a context of its own, an error inside an
    /// aggregation is reported as being in the aggregation.
    private func unexpected(_ token: Token, in context: String? = nil, expected: String? = nil) -> ParseError {
        var message = "unexpected " + token.errorDescription
        if let context = context ?? (openAggregations > 0 ? "aggregation" : nil) {
            message += " in " + context
        }
        if let expected {
            message += ", expected " + expected
        }
        return source.error(at: token.offset, message)
    }
}

extension Token {
    /// Tokens that Prometheus accepts as a metric name: names, and the keywords that cannot
    /// be confused there (`sum`, `by`, `offset`, `and`, …).
    var canNameMetric: Bool {
        switch kind {
        case .identifier, .metricIdentifier, .aggregator, .start, .end: true
        case .keyword(let keyword): keyword == .by || keyword == .offset || keyword == .without
        case .binaryOperator(let op): op == .and || op == .or || op == .unless
        default: false
        }
    }

    /// Tokens accepted as label names in `by (…)`, `on (…)` and the like.
    var canNameGroupingLabel: Bool {
        switch kind {
        case .identifier, .metricIdentifier, .aggregator, .start, .end: true
        case .keyword(let keyword): keyword != .without
        case .binaryOperator(let op): op == .and || op == .or || op == .unless || op == .atan2
        default: false
        }
    }

    var canStartExpression: Bool {
        switch kind {
        case .number, .string, .leftParen, .leftBrace: true
        case .binaryOperator(let op) where op == .add || op == .subtract: true
        default: canNameMetric
        }
    }

    /// After an aggregation operator, these make it an aggregation rather than a metric name.
    var opensAggregation: Bool {
        kind == .leftParen || kind == .keyword(.by) || kind == .keyword(.without)
    }
}

/// A valid label name: a letter or underscore, then letters, digits or underscores.
func isLabelName(_ text: String) -> Bool {
    guard let first = text.utf8.first, isAlpha(first) else { return false }
    return text.utf8.allSatisfy(isAlphaNumeric)
}
