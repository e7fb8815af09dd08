extension TemplateFunction {
    /// Go text/template's predefined functions. `and` and `or` are listed for the parser; the
    /// executor runs them itself because they evaluate their arguments lazily.
    static let goBuiltins: [String: TemplateFunction] = [
        "and": TemplateFunction(arity: .atLeast(1)) { _, arguments in arguments.last ?? .null },
        "or": TemplateFunction(arity: .atLeast(1)) { _, arguments in arguments.last ?? .null },
        "not": TemplateFunction(arity: .exactly(1)) { _, arguments in .bool(!arguments[0].isTrue) },
        "len": TemplateFunction(arity: .exactly(1)) { _, arguments throws(TemplateFunctionError) in
            try length(arguments[0])
        },
        "index": TemplateFunction(arity: .atLeast(1)) { _, arguments throws(TemplateFunctionError) in
            var item = arguments[0]
            for key in arguments.dropFirst() { item = try index(item, key) }
            return item
        },
        "slice": TemplateFunction(arity: .atLeast(1)) { _, arguments throws(TemplateFunctionError) in
            try slice(arguments[0], Array(arguments.dropFirst()))
        },
        "print": TemplateFunction(arity: .atLeast(0)) { _, arguments in .string(GoFormat.sprint(arguments)) },
        "println": TemplateFunction(arity: .atLeast(0)) { _, arguments in .string(GoFormat.sprintln(arguments)) },
        "printf": TemplateFunction(arity: .atLeast(1)) { _, arguments throws(TemplateFunctionError) in
            .string(GoFormat.sprintf(try arguments[0].stringArgument(), Array(arguments.dropFirst())))
        },
        "html": TemplateFunction(arity: .atLeast(0)) { _, arguments in .string(GoEscape.html(joined(arguments))) },
        "js": TemplateFunction(arity: .atLeast(0)) { _, arguments in .string(GoEscape.javaScript(joined(arguments))) },
        "urlquery": TemplateFunction(arity: .atLeast(0)) { _, arguments in .string(GoEscape.queryEscape(joined(arguments))) },
        "eq": TemplateFunction(arity: .atLeast(1)) { _, arguments throws(TemplateFunctionError) in
            .bool(try TemplateComparison.equal(arguments[0], Array(arguments.dropFirst())))
        },
        "ne": TemplateFunction(arity: .exactly(2)) { _, arguments throws(TemplateFunctionError) in
            .bool(!(try TemplateComparison.equal(arguments[0], [arguments[1]])))
        },
        "lt": TemplateFunction(arity: .exactly(2)) { _, arguments throws(TemplateFunctionError) in
            .bool(try TemplateComparison.less(arguments[0], arguments[1]))
        },
        "le": TemplateFunction(arity: .exactly(2)) { _, arguments throws(TemplateFunctionError) in
            if try TemplateComparison.less(arguments[0], arguments[1]) { return .bool(true) }
            return .bool(try TemplateComparison.equal(arguments[0], [arguments[1]]))
        },
        "gt": TemplateFunction(arity: .exactly(2)) { _, arguments throws(TemplateFunctionError) in
            if try TemplateComparison.less(arguments[0], arguments[1]) { return .bool(false) }
            return .bool(!(try TemplateComparison.equal(arguments[0], [arguments[1]])))
        },
        "ge": TemplateFunction(arity: .exactly(2)) { _, arguments throws(TemplateFunctionError) in
            .bool(!(try TemplateComparison.less(arguments[0], arguments[1])))
        },
    ]

    /// Go's `evalArgs`: a lone string as it is, anything else as `fmt.Sprint` prints it.
    private static func joined(_ arguments: [TemplateValue]) -> String {
        if arguments.count == 1, case .string(let text) = arguments[0] { return text }
        return GoFormat.sprint(arguments)
    }

    private static func length(_ value: TemplateValue) throws(TemplateFunctionError) -> TemplateValue {
        switch value {
        case .string(let text): return .int(text.utf8.count)
        case .stringMap(let map): return .int(map.count)
        case .map(let map): return .int(map.count)
        case .list(let list): return .int(list.count)
        case .samples(let samples): return .int(samples.count)
        case .null: throw .failed("len of nil pointer")
        default: throw .failed("len of type \(value.goTypeName)")
        }
    }

    private static func index(_ item: TemplateValue, _ key: TemplateValue) throws(TemplateFunctionError) -> TemplateValue {
        switch item {
        case .stringMap(let map):
            guard case .string(let name) = key else { throw .failed("value has type \(key.goTypeName); should be string") }
            return .string(map[name] ?? "")
        case .map(let map):
            guard case .string(let name) = key else { throw .failed("value has type \(key.goTypeName); should be string") }
            return map[name] ?? .null
        case .list(let list):
            return list[try position(key, count: list.count)]
        case .samples(let samples):
            return .sample(samples[try position(key, count: samples.count)])
        case .string(let text):
            let bytes = Array(text.utf8)
            return .int(Int(bytes[try position(key, count: bytes.count)]))
        case .null:
            throw .failed("index of untyped nil")
        default:
            throw .failed("can't index item of type \(item.goTypeName)")
        }
    }

    private static func position(_ key: TemplateValue, count: Int, allowEnd: Bool = false) throws(TemplateFunctionError) -> Int {
        guard case .int(let position) = key else { throw .failed("cannot index slice/array with type \(key.goTypeName)") }
        guard position >= 0, allowEnd ? position <= count : position < count else {
            throw .failed("index out of range: \(position)")
        }
        return position
    }

    private static func slice(_ item: TemplateValue, _ bounds: [TemplateValue]) throws(TemplateFunctionError) -> TemplateValue {
        guard bounds.count <= 2 else { throw .failed("too many slice indexes: \(bounds.count)") }
        func range(count: Int) throws(TemplateFunctionError) -> Range<Int> {
            let lower = bounds.isEmpty ? 0 : try position(bounds[0], count: count, allowEnd: true)
            let upper = bounds.count < 2 ? count : try position(bounds[1], count: count, allowEnd: true)
            guard lower <= upper else { throw .failed("invalid slice index: \(lower) > \(upper)") }
            return lower..<upper
        }
        switch item {
        case .string(let text):
            let bytes = Array(text.utf8)
            return .string(String(decoding: bytes[try range(count: bytes.count)], as: UTF8.self))
        case .list(let list):
            return .list(Array(list[try range(count: list.count)]))
        case .samples(let samples):
            return .samples(Array(samples[try range(count: samples.count)]))
        case .null:
            throw .failed("slice of untyped nil")
        default:
            throw .failed("can't slice item of type \(item.goTypeName)")
        }
    }
}
