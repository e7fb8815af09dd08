import OspreyModel

/// Builds a `TemplateProgram` from tokens the way Go's text/template parser does, checking at
/// parse time what Go checks: functions exist, variables are declared, `{{end}}`s match,
/// `{{break}}` sits in a `{{range}}`.
struct TemplateParser {
    /// A parse failure at a scalar offset.
    struct Failure: Error {
        var offset: Int
        var message: String
    }

    /// How a list of nodes ended.
    private enum ListEnd {
        case end
        case elseBranch
        case endOfInput(offset: Int)
    }

    private let source: [Unicode.Scalar]
    private let tokens: [TemplateToken]
    private let functionNames: Set<String>
    private var index = 0
    private var variables: [String]
    private var loopDepth = 0
    /// How deep controls and parentheses nest; bounded so hostile input cannot exhaust the stack.
    private var nesting = 0
    private static let maximumNesting = 100
    private var definitions: [String: [TemplateNode]] = [:]

    /// Parses `source`; `variables` are declared before the text starts (Prometheus's `$labels`...).
    static func parse(
        _ source: [Unicode.Scalar], functionNames: Set<String>, variables: [String]
    ) throws(Failure) -> TemplateProgram {
        let tokens: [TemplateToken]
        do {
            tokens = try TemplateLexer.tokens(of: source)
        } catch {
            throw Failure(offset: error.offset, message: error.message)
        }
        var parser = TemplateParser(source: source, tokens: tokens, functionNames: functionNames, variables: ["$"] + variables)
        let (root, end) = try parser.parseList(topLevel: true)
        switch end {
        case .end: throw Failure(offset: parser.previousOffset, message: "unexpected {{end}}")
        case .elseBranch: throw Failure(offset: parser.previousOffset, message: "unexpected {{else}}")
        case .endOfInput: break
        }
        return TemplateProgram(source: source, root: root, definitions: parser.definitions)
    }

    private init(source: [Unicode.Scalar], tokens: [TemplateToken], functionNames: Set<String>, variables: [String]) {
        self.source = source
        self.tokens = tokens
        self.functionNames = functionNames
        self.variables = variables
    }

    // MARK: Lists and control structures

    private mutating func parseList(topLevel: Bool = false) throws(Failure) -> ([TemplateNode], ListEnd) {
        var nodes: [TemplateNode] = []
        while true {
            let token = next()
            switch token.kind {
            case .text:
                nodes.append(.text(token.text))
            case .endOfInput:
                return (nodes, .endOfInput(offset: token.offset))
            default:
                // Only text, actions and the end come from the lexer at this level.
                let keyword = peekNonSpace()
                if keyword.kind == .keyword {
                    switch keyword.text {
                    case "end":
                        _ = nextNonSpace()
                        try expectRightDelimiter(after: "end")
                        return (nodes, .end)
                    case "else":
                        _ = nextNonSpace()
                        return (nodes, .elseBranch)
                    case "if", "with", "range":
                        _ = nextNonSpace()
                        nodes.append(try parseControl(keyword.text))
                        continue
                    case "template":
                        _ = nextNonSpace()
                        nodes.append(try parseTemplateCall(keyword: "template"))
                        continue
                    case "block":
                        _ = nextNonSpace()
                        nodes.append(try parseBlock())
                        continue
                    case "define" where topLevel:
                        _ = nextNonSpace()
                        try parseDefine()
                        continue
                    case "break", "continue":
                        _ = nextNonSpace()
                        guard loopDepth > 0 else {
                            throw Failure(offset: keyword.offset, message: "{{\(keyword.text)}} outside {{range}}")
                        }
                        try expectRightDelimiter(after: keyword.text)
                        nodes.append(keyword.text == "break" ? .breakLoop : .continueLoop)
                        continue
                    default:
                        break
                    }
                }
                nodes.append(.action(try parsePipeline(context: "command", end: .rightDelimiter)))
            }
        }
    }

    /// `if`, `with` or `range` after its keyword, through the matching `{{end}}`.
    private mutating func parseControl(_ kind: String) throws(Failure) -> TemplateNode {
        try enterNesting()
        let mark = variables.count
        defer {
            variables.removeLast(variables.count - mark)
            nesting -= 1
        }
        let pipeline = try parsePipeline(context: kind, end: .rightDelimiter)
        if kind == "range" { loopDepth += 1 }
        let (list, end) = try parseList()
        if kind == "range" { loopDepth -= 1 }
        var elseList: [TemplateNode] = []
        switch end {
        case .endOfInput(let offset):
            throw Failure(offset: offset, message: "unexpected EOF: {{\(kind)}} has no {{end}}")
        case .end:
            break
        case .elseBranch:
            let chained = peekNonSpace()
            if kind != "range", chained.kind == .keyword, chained.text == kind {
                // `{{else if}}` and `{{else with}}` nest a control sharing the outer `{{end}}`.
                _ = nextNonSpace()
                elseList = [try parseControl(kind)]
            } else {
                try expectRightDelimiter(after: "else")
                let (list, end) = try parseList()
                switch end {
                case .end: break
                case .elseBranch: throw Failure(offset: previousOffset, message: "expected end; found {{else}}")
                case .endOfInput(let offset):
                    throw Failure(offset: offset, message: "unexpected EOF: {{\(kind)}} has no {{end}}")
                }
                elseList = list
            }
        }
        switch kind {
        case "range": return .range(pipeline: pipeline, list: list, elseList: elseList)
        default: return .conditional(pipeline: pipeline, setsDot: kind == "with", list: list, elseList: elseList)
        }
    }

    private mutating func parseTemplateName(context: String) throws(Failure) -> (String, Int) {
        let token = nextNonSpace()
        guard token.kind == .string else {
            throw Failure(offset: token.offset, message: "unexpected \(describe(token)) in \(context) clause")
        }
        return (token.text, token.offset)
    }

    private mutating func parseTemplateCall(keyword: String) throws(Failure) -> TemplateNode {
        let start = previousOffset
        let (name, _) = try parseTemplateName(context: keyword)
        var pipeline: TemplatePipeline?
        if peekNonSpace().kind == .rightDelimiter {
            _ = nextNonSpace()
        } else {
            pipeline = try parsePipeline(context: keyword, end: .rightDelimiter)
        }
        return .include(name: name, pipeline: pipeline, offset: start, source: "template \(GoQuote.string(name))")
    }

    private mutating func parseDefine() throws(Failure) {
        let (name, _) = try parseTemplateName(context: "define")
        try expectRightDelimiter(after: "define")
        try parseDefinitionBody(name: name)
    }

    /// `{{block "name" pipeline}}list{{end}}`: defines `name` and runs it here.
    private mutating func parseBlock() throws(Failure) -> TemplateNode {
        let start = previousOffset
        let (name, _) = try parseTemplateName(context: "block")
        let pipeline = try parsePipeline(context: "block", end: .rightDelimiter)
        try parseDefinitionBody(name: name)
        return .include(name: name, pipeline: pipeline, offset: start, source: "template \(GoQuote.string(name))")
    }

    /// A defined template's body sees only `$`, its own dot, as in Go.
    private mutating func parseDefinitionBody(name: String) throws(Failure) {
        let savedVariables = variables
        let savedDepth = loopDepth
        variables = ["$"]
        loopDepth = 0
        defer {
            variables = savedVariables
            loopDepth = savedDepth
        }
        let (list, end) = try parseList()
        switch end {
        case .end: break
        case .elseBranch: throw Failure(offset: previousOffset, message: "unexpected {{else}} in define clause")
        case .endOfInput(let offset): throw Failure(offset: offset, message: "unexpected EOF: {{define}} has no {{end}}")
        }
        definitions[name] = list
    }

    // MARK: Pipelines

    private mutating func parsePipeline(context: String, end: TemplateToken.Kind) throws(Failure) -> TemplatePipeline {
        let start = peekNonSpace().offset
        var declarations: [String] = []
        var isAssignment = false
        if peekNonSpace().kind == .variable {
            let saved = index
            let variable = nextNonSpace()
            let after = nextNonSpace()
            if after.kind == .declare || after.kind == .assign {
                declarations = [variable.text]
                isAssignment = after.kind == .assign
            } else if after.kind == .comma, context == "range" {
                let second = nextNonSpace()
                let operation = nextNonSpace()
                guard second.kind == .variable, operation.kind == .declare || operation.kind == .assign else {
                    throw Failure(offset: second.offset, message: "range can only initialize variables")
                }
                declarations = [variable.text, second.text]
                isAssignment = operation.kind == .assign
            } else {
                index = saved
            }
            for name in declarations {
                if isAssignment {
                    guard variables.contains(name) else { throw Failure(offset: variable.offset, message: "undefined variable \"\(name)\"") }
                } else {
                    variables.append(name)
                }
            }
        }
        var commands: [TemplateCommand] = []
        var afterPipe = false
        while true {
            let token = peekNonSpace()
            if token.kind == end {
                _ = nextNonSpace()
                guard !commands.isEmpty else { throw Failure(offset: token.offset, message: "missing value for \(context)") }
                guard !afterPipe else { throw Failure(offset: token.offset, message: "missing value for command") }
                break
            }
            switch token.kind {
            case .rightDelimiter:
                throw Failure(offset: token.offset, message: "unclosed left paren")
            case .rightParen:
                throw Failure(offset: token.offset, message: "unexpected right paren")
            default:
                break
            }
            let (command, endsWithPipe) = try parseCommand(end: end)
            afterPipe = endsWithPipe
            if !commands.isEmpty, let head = command.operands.first {
                switch head {
                case .constant, .dot, .null, .pipeline:
                    throw Failure(offset: command.offset, message: "non executable command in pipeline stage \(commands.count + 1)")
                default:
                    break
                }
            }
            commands.append(command)
        }
        return TemplatePipeline(offset: start, declarations: declarations, isAssignment: isAssignment, commands: commands)
    }

    /// Operands up to a `|` (consumed) or the pipeline's end (left for the caller).
    private mutating func parseCommand(end: TemplateToken.Kind) throws(Failure) -> (TemplateCommand, endsWithPipe: Bool) {
        let start = peekNonSpace().offset
        var operands: [TemplateOperand] = []
        var stop = start
        var endsWithPipe = false
        while true {
            let token = peekNonSpace()
            if token.kind == .pipe {
                stop = token.offset
                endsWithPipe = true
                _ = nextNonSpace()
                guard !operands.isEmpty else { throw Failure(offset: token.offset, message: "missing value for command") }
                break
            }
            if token.kind == end || token.kind == .rightDelimiter || token.kind == .rightParen {
                stop = token.offset
                break
            }
            operands.append(try parseOperand())
            let following = peek()
            switch following.kind {
            case .space, .pipe, .rightDelimiter, .rightParen:
                break
            default:
                throw Failure(offset: following.offset, message: "unexpected \(describe(following)) in operand")
            }
        }
        guard !operands.isEmpty else { throw Failure(offset: start, message: "missing value for command") }
        var text = ""
        text.unicodeScalars.append(contentsOf: source[start..<max(start, stop)])
        while let last = text.unicodeScalars.last, TemplateLexer.isSpace(last) { text.unicodeScalars.removeLast() }
        return (TemplateCommand(offset: start, source: text, operands: operands), endsWithPipe)
    }

    private mutating func parseOperand() throws(Failure) -> TemplateOperand {
        let head = peekNonSpace()
        let term = try parseTerm()
        var fields: [String] = []
        while peek().kind == .field { fields.append(next().text) }
        guard !fields.isEmpty else { return term }
        switch term {
        case .variable(let name, let existing): return .variable(name, fields: existing + fields)
        case .field(let existing): return .field(existing + fields)
        case .function, .pipeline: return .chain(term, fields: fields)
        case .dot, .null, .constant, .chain:
            throw Failure(offset: head.offset, message: "unexpected . after term \(describe(head))")
        }
    }

    private mutating func parseTerm() throws(Failure) -> TemplateOperand {
        let token = nextNonSpace()
        switch token.kind {
        case .identifier:
            guard functionNames.contains(token.text) else {
                throw Failure(offset: token.offset, message: "function \"\(token.text)\" not defined")
            }
            return .function(token.text)
        case .dot:
            return .dot
        case .keyword where token.text == "nil":
            return .null
        case .variable:
            guard variables.contains(token.text) else {
                throw Failure(offset: token.offset, message: "undefined variable \"\(token.text)\"")
            }
            return .variable(token.text, fields: [])
        case .field:
            return .field([token.text])
        case .bool:
            return .constant(.bool(token.text == "true"))
        case .number:
            guard let value = TemplateNumber.value(of: token.text) else {
                throw Failure(offset: token.offset, message: "bad number syntax: \"\(token.text)\"")
            }
            return .constant(value)
        case .character:
            return .constant(.int(Int(token.text) ?? 0))
        case .string:
            return .constant(.string(token.text))
        case .leftParen:
            try enterNesting()
            defer { nesting -= 1 }
            return .pipeline(try parsePipeline(context: "parenthesized pipeline", end: .rightParen))
        default:
            throw Failure(offset: token.offset, message: "unexpected \(describe(token)) in operand")
        }
    }

    // MARK: Tokens

    private mutating func enterNesting() throws(Failure) {
        guard nesting < Self.maximumNesting else {
            throw Failure(offset: previousOffset, message: "nesting deeper than \(Self.maximumNesting) levels")
        }
        nesting += 1
    }

    private mutating func expectRightDelimiter(after keyword: String) throws(Failure) {
        let token = nextNonSpace()
        guard token.kind == .rightDelimiter else {
            throw Failure(offset: token.offset, message: "unexpected \(describe(token)) in \(keyword)")
        }
    }

    private func describe(_ token: TemplateToken) -> String {
        switch token.kind {
        case .keyword: "<\(token.text)>"
        case .string: GoQuote.string(token.text)
        case .endOfInput: "EOF"
        case .space: "space"
        default: "\"\(token.text)\""
        }
    }

    private var previousOffset: Int {
        tokens[max(0, index - 1)].offset
    }

    private mutating func next() -> TemplateToken {
        let token = tokens[min(index, tokens.count - 1)]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    private func peek() -> TemplateToken {
        tokens[min(index, tokens.count - 1)]
    }

    private mutating func nextNonSpace() -> TemplateToken {
        var token = next()
        while token.kind == .space { token = next() }
        return token
    }

    private mutating func peekNonSpace() -> TemplateToken {
        var probe = index
        while probe < tokens.count - 1, tokens[probe].kind == .space { probe += 1 }
        return tokens[probe]
    }
}
