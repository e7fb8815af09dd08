/// A function templates can call, with the arity Go's reflection would enforce.
struct TemplateFunction: Sendable {
    enum Arity: Sendable {
        case exactly(Int)
        case atLeast(Int)
    }

    /// What a function may read besides its arguments.
    struct Context: Sendable {
        var data: TemplateData
        var query: TemplateQuery?
    }

    typealias Body = @Sendable (Context, [TemplateValue]) throws(TemplateFunctionError) -> TemplateValue

    var arity: Arity
    var call: Body

    /// Every function alert templates may call: Go's built-ins and Prometheus's additions.
    static let all: [String: TemplateFunction] = goBuiltins.merging(prometheusFunctions) { builtin, _ in builtin }
}
