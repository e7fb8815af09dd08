import OspreyModel

/// Runs a parsed template the way Go's text/template executes: variables scoped to the
/// control structure that declared them, pipelines feeding each stage's result to the next as
/// its last argument, and a missing map key giving the zero value (Prometheus's `missingkey=zero`).
struct TemplateExecutor {
    /// How a list ended: normally, or by `{{break}}` / `{{continue}}` for the enclosing range.
    private enum Flow {
        case normal
        case breakLoop
        case continueLoop
    }

    /// How deep `{{template}}` calls may nest. Go allows 100000 on its growable stacks; a
    /// Swift thread's fixed stack would overflow long before, and alert templates need a few.
    private static let maximumDepth = 100

    private let program: TemplateProgram
    private let name: String
    private let context: TemplateFunction.Context
    private var variables: [(name: String, value: TemplateValue)]
    private var output = ""
    private var depth = 0

    /// Executes `program` with `variables` bound before it starts (`$` first).
    static func run(
        _ program: TemplateProgram, name: String, context: TemplateFunction.Context,
        variables: [(name: String, value: TemplateValue)]
    ) throws(TemplateError) -> String {
        var executor = TemplateExecutor(program: program, name: name, context: context, variables: variables)
        _ = try executor.walk(program.root, dot: variables.first?.value ?? .null)
        return executor.output
    }

    private init(
        program: TemplateProgram, name: String, context: TemplateFunction.Context,
        variables: [(name: String, value: TemplateValue)]
    ) {
        self.program = program
        self.name = name
        self.context = context
        self.variables = variables
    }

    // MARK: Nodes

    private mutating func walk(_ nodes: [TemplateNode], dot: TemplateValue) throws(TemplateError) -> Flow {
        for node in nodes {
            switch node {
            case .text(let text):
                output += text
            case .action(let pipeline):
                let value = try evaluate(pipeline, dot: dot)
                if pipeline.declarations.isEmpty { output += value.templateText }
            case .conditional(let pipeline, let setsDot, let list, let elseList):
                let mark = variables.count
                defer { variables.removeLast(variables.count - mark) }
                let value = try evaluate(pipeline, dot: dot)
                let flow =
                    value.isTrue
                    ? try walk(list, dot: setsDot ? value : dot)
                    : try walk(elseList, dot: dot)
                if flow != .normal { return flow }
            case .range(let pipeline, let list, let elseList):
                let flow = try walkRange(pipeline, list: list, elseList: elseList, dot: dot)
                if flow != .normal { return flow }
            case .include(let name, let pipeline, let offset, let source):
                try include(name, pipeline: pipeline, offset: offset, source: source, dot: dot)
            case .breakLoop:
                return .breakLoop
            case .continueLoop:
                return .continueLoop
            }
        }
        return .normal
    }

    private mutating func walkRange(
        _ pipeline: TemplatePipeline, list: [TemplateNode], elseList: [TemplateNode], dot: TemplateValue
    ) throws(TemplateError) -> Flow {
        let mark = variables.count
        defer { variables.removeLast(variables.count - mark) }
        let collection = try evaluate(pipeline, dot: dot)
        let elements: [(key: TemplateValue, element: TemplateValue)]
        switch collection {
        case .list(let list): elements = list.enumerated().map { (.int($0.offset), $0.element) }
        case .samples(let samples): elements = samples.enumerated().map { (.int($0.offset), .sample($0.element)) }
        case .stringMap(let map): elements = map.keys.sorted().map { (.string($0), .string(map[$0] ?? "")) }
        case .map(let map): elements = map.keys.sorted().map { (.string($0), map[$0] ?? .null) }
        case .int(let count):
            guard pipeline.declarations.count < 2 else {
                throw failure("can't use \(count) to iterate over more than one variable", in: pipeline)
            }
            elements = (0..<max(0, count)).map { (.int($0), .int($0)) }
        case .null: elements = []
        default: throw failure("range can't iterate over \(collection.goText)", in: pipeline)
        }
        if elements.isEmpty { return try walk(elseList, dot: dot) }
        for (key, element) in elements {
            bindLoopVariables(pipeline, key: key, element: element, mark: mark)
            let iterationMark = variables.count
            let flow = try walk(list, dot: element)
            variables.removeLast(variables.count - iterationMark)
            if flow == .breakLoop { break }
        }
        return .normal
    }

    /// Go's range binding: one variable takes the element, two take the key and the element.
    private mutating func bindLoopVariables(_ pipeline: TemplatePipeline, key: TemplateValue, element: TemplateValue, mark: Int) {
        let names = pipeline.declarations
        guard !names.isEmpty else { return }
        let values = names.count == 2 ? [key, element] : [element]
        if pipeline.isAssignment {
            for (name, value) in zip(names, values) { assign(name, value) }
        } else {
            for (offset, value) in values.enumerated() { variables[mark + offset].value = value }
        }
    }

    private mutating func include(
        _ name: String, pipeline: TemplatePipeline?, offset: Int, source: String, dot: TemplateValue
    ) throws(TemplateError) {
        guard let body = program.definitions[name] else {
            throw failure("no such template \(GoQuote.string(name))", offset: offset, source: source)
        }
        guard depth < Self.maximumDepth else {
            throw failure("exceeded maximum template depth (\(Self.maximumDepth))", offset: offset, source: source)
        }
        let newDot = try pipeline.map { pipeline throws(TemplateError) in try evaluate(pipeline, dot: dot) } ?? .null
        // A called template sees only its own `$`, as in Go.
        let saved = variables
        variables = [("$", newDot)]
        depth += 1
        defer {
            variables = saved
            depth -= 1
        }
        _ = try walk(body, dot: newDot)
    }

    // MARK: Pipelines and commands

    private mutating func evaluate(_ pipeline: TemplatePipeline, dot: TemplateValue) throws(TemplateError) -> TemplateValue {
        var value: TemplateValue?
        for command in pipeline.commands {
            value = try evaluate(command, dot: dot, final: value)
        }
        let result = value ?? .null
        for name in pipeline.declarations {
            if pipeline.isAssignment {
                assign(name, result)
            } else {
                variables.append((name, result))
            }
        }
        return result
    }

    private mutating func evaluate(
        _ command: TemplateCommand, dot: TemplateValue, final: TemplateValue?
    ) throws(TemplateError) -> TemplateValue {
        let arguments = command.operands.dropFirst()
        switch command.operands[0] {
        case .function(let function):
            return try call(function, arguments: Array(arguments), final: final, command: command, dot: dot)
        case .field(let fields):
            return try fieldChain(of: dot, fields, hasArguments: !arguments.isEmpty || final != nil, command: command)
        case .variable(let name, let fields):
            let value = lookup(name)
            guard !fields.isEmpty else {
                try requireNoArguments(command, final: final)
                return value
            }
            return try fieldChain(of: value, fields, hasArguments: !arguments.isEmpty || final != nil, command: command)
        case .chain(let head, let fields):
            let value = try argument(head, dot: dot, command: command)
            return try fieldChain(of: value, fields, hasArguments: !arguments.isEmpty || final != nil, command: command)
        case .pipeline(let pipeline):
            try requireNoArguments(command, final: final)
            return try evaluate(pipeline, dot: dot)
        case .constant(let value):
            try requireNoArguments(command, final: final)
            return value
        case .dot:
            try requireNoArguments(command, final: final)
            return dot
        case .null:
            throw failure("nil is not a command", at: command)
        }
    }

    private func requireNoArguments(_ command: TemplateCommand, final: TemplateValue?) throws(TemplateError) {
        if command.operands.count > 1 || final != nil {
            throw failure("can't give argument to non-function \(command.source)", at: command)
        }
    }

    /// The value of an operand used as a function argument.
    private mutating func argument(
        _ operand: TemplateOperand, dot: TemplateValue, command: TemplateCommand
    ) throws(TemplateError) -> TemplateValue {
        switch operand {
        case .function(let function): return try call(function, arguments: [], final: nil, command: command, dot: dot)
        case .field(let fields): return try fieldChain(of: dot, fields, hasArguments: false, command: command)
        case .variable(let name, let fields):
            return try fieldChain(of: lookup(name), fields, hasArguments: false, command: command)
        case .chain(let head, let fields):
            return try fieldChain(of: try argument(head, dot: dot, command: command), fields, hasArguments: false, command: command)
        case .pipeline(let pipeline): return try evaluate(pipeline, dot: dot)
        case .constant(let value): return value
        case .dot: return dot
        case .null: return .null
        }
    }

    private mutating func call(
        _ function: String, arguments: [TemplateOperand], final: TemplateValue?, command: TemplateCommand, dot: TemplateValue
    ) throws(TemplateError) -> TemplateValue {
        guard let definition = TemplateFunction.all[function] else {
            throw failure("\(GoQuote.string(function)) is not a defined function", at: command)
        }
        let count = arguments.count + (final == nil ? 0 : 1)
        switch definition.arity {
        case .exactly(let wanted) where count != wanted:
            throw failure("wrong number of args for \(function): want \(wanted) got \(count)", at: command)
        case .atLeast(let wanted) where count < wanted:
            throw failure("wrong number of args for \(function): want at least \(wanted) got \(count)", at: command)
        default:
            break
        }
        if function == "and" || function == "or" {
            // Go stops at the first argument that decides the answer and returns it.
            var value = TemplateValue.null
            for operand in arguments {
                value = try argument(operand, dot: dot, command: command)
                if value.isTrue == (function == "or") { return value }
            }
            return final ?? value
        }
        var values: [TemplateValue] = []
        for operand in arguments { values.append(try argument(operand, dot: dot, command: command)) }
        if let final { values.append(final) }
        do {
            return try definition.call(context, values)
        } catch {
            switch error {
            case .failed(let message):
                throw failure("error calling \(function): \(message)", at: command)
            case .wrongType(let expected, let got):
                throw failure("wrong type for value; expected \(expected); got \(got)", at: command)
            }
        }
    }

    // MARK: Fields and variables

    private func fieldChain(
        of receiver: TemplateValue, _ fields: [String], hasArguments: Bool, command: TemplateCommand
    ) throws(TemplateError) -> TemplateValue {
        var value = receiver
        for field in fields {
            value = try self.field(field, of: value, command: command)
        }
        if hasArguments, let last = fields.last {
            throw failure("\(last) is not a method but has arguments", at: command)
        }
        return value
    }

    private func field(_ name: String, of receiver: TemplateValue, command: TemplateCommand) throws(TemplateError) -> TemplateValue {
        switch receiver {
        case .stringMap(let map):
            return .string(map[name] ?? "")
        case .map(let map):
            return map[name] ?? .null
        case .data(let data):
            switch name {
            case "Labels": return .stringMap(data.labels)
            case "ExternalLabels": return .stringMap(data.externalLabels)
            case "ExternalURL": return .string(data.externalURL)
            case "Value": return .float(data.value)
            default: break
            }
        case .sample(let sample):
            switch name {
            case "Labels": return .stringMap(sample.labels)
            case "Value": return .float(sample.value)
            default: break
            }
        case .null:
            throw failure("nil pointer evaluating interface {}.\(name)", at: command)
        default:
            break
        }
        throw failure("can't evaluate field \(name) in type \(receiver.goTypeName)", at: command)
    }

    private func lookup(_ name: String) -> TemplateValue {
        // The parser has checked the variable is declared; the innermost declaration wins.
        variables.last { $0.name == name }?.value ?? .null
    }

    private mutating func assign(_ name: String, _ value: TemplateValue) {
        if let index = variables.lastIndex(where: { $0.name == name }) {
            variables[index].value = value
        }
    }

    // MARK: Errors

    private func failure(_ message: String, at command: TemplateCommand) -> TemplateError {
        failure(message, offset: command.offset, source: command.source)
    }

    private func failure(_ message: String, in pipeline: TemplatePipeline) -> TemplateError {
        failure(message, offset: pipeline.offset, source: pipeline.commands.first?.source ?? "")
    }

    private func failure(_ message: String, offset: Int, source: String) -> TemplateError {
        let (line, column) = program.location(of: offset)
        return TemplateError(templateName: name, line: line, column: column, command: source, message: message)
    }
}
