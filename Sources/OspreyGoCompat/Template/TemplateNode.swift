/// A parsed piece of a template, executed in order.
indirect enum TemplateNode: Sendable {
    case text(String)
    /// `{{ pipeline }}`: prints the value unless the pipeline declares or assigns variables.
    case action(TemplatePipeline)
    /// `{{if}}`, or `{{with}}` when `setsDot`: the list when the pipeline is true, else the other.
    case conditional(pipeline: TemplatePipeline, setsDot: Bool, list: [TemplateNode], elseList: [TemplateNode])
    /// `{{range}}` over a list, map or count, with `{{else}}` for an empty one.
    case range(pipeline: TemplatePipeline, list: [TemplateNode], elseList: [TemplateNode])
    /// `{{template "name" pipeline}}`.
    case include(name: String, pipeline: TemplatePipeline?, offset: Int, source: String)
    case breakLoop
    case continueLoop
}

/// Commands joined by `|`, each result passed as the last argument of the next; optionally
/// declaring (`:=`) or assigning (`=`) variables.
struct TemplatePipeline: Sendable {
    var offset: Int
    var declarations: [String]
    var isAssignment: Bool
    var commands: [TemplateCommand]
}

/// One stage of a pipeline: a function with arguments, or a single value.
struct TemplateCommand: Sendable {
    var offset: Int
    /// The command as written, for error messages.
    var source: String
    var operands: [TemplateOperand]
}

/// An argument or the head of a command.
indirect enum TemplateOperand: Sendable {
    case function(String)
    case dot
    case null
    case variable(String, fields: [String])
    /// `.A.B`: fields of dot.
    case field([String])
    /// `(pipeline).A`, `func.A`: fields of another operand's value.
    case chain(TemplateOperand, fields: [String])
    case constant(TemplateValue)
    case pipeline(TemplatePipeline)
}

/// A parsed template: its main list and the templates it `define`s.
struct TemplateProgram: Sendable {
    var source: [Unicode.Scalar]
    var root: [TemplateNode]
    var definitions: [String: [TemplateNode]]

    /// The 1-based line and column (in scalars) of a source offset.
    func location(of offset: Int) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        for scalar in source[..<min(offset, source.count)] {
            if scalar == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return (line, column)
    }
}
