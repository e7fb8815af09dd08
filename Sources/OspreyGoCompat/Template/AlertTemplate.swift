/// An alert rule's label or annotation value as a Go template, executed as Prometheus does:
/// `$labels`, `$externalLabels`, `$externalURL` and `$value` are bound before the text, a
/// missing label prints as nothing, and Prometheus's functions (`humanize`, `query`...) are available.
public struct AlertTemplate: Sendable {
    /// The name errors show, e.g. `__alert_HighLatency`.
    public let name: String
    private let program: TemplateProgram

    /// The variables Prometheus declares ahead of every alert template.
    private static let predeclared = ["$labels", "$externalLabels", "$externalURL", "$value"]

    /// Parses `text`; `name` (e.g. "__alert_HighLatency") appears in errors.
    public init(_ text: String, name: String) throws(TemplateError) {
        self.name = name
        let source = Array(text.unicodeScalars)
        do {
            program = try TemplateParser.parse(
                source, functionNames: Set(TemplateFunction.all.keys), variables: Self.predeclared)
        } catch {
            let location = TemplateProgram(source: source, root: [], definitions: [:]).location(of: error.offset)
            throw TemplateError(templateName: name, line: location.line, column: location.column, message: error.message)
        }
    }

    /// Executes the template.
    public func render(_ data: TemplateData, query: TemplateQuery?) throws(TemplateError) -> String {
        let variables: [(name: String, value: TemplateValue)] = [
            ("$", .data(data)),
            ("$labels", .stringMap(data.labels)),
            ("$externalLabels", .stringMap(data.externalLabels)),
            ("$externalURL", .string(data.externalURL)),
            ("$value", .float(data.value)),
        ]
        return try TemplateExecutor.run(
            program, name: name, context: TemplateFunction.Context(data: data, query: query), variables: variables)
    }

    /// Whether `text` contains template actions at all; plain text needs no parsing or executing.
    public static func needsExpansion(_ text: String) -> Bool {
        text.contains("{{")
    }
}
