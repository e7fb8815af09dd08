/// Why a template could not be parsed or executed, worded as Go's text/template words it:
/// `template: NAME:LINE:COLUMN: message`, with `executing "NAME" at <command>: ` before the
/// message when execution failed. Columns count characters from 1.
public struct TemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The template's name, e.g. `__alert_HighLatency`.
    public var templateName: String
    /// The line of the failing spot, from 1.
    public var line: Int
    /// The column of the failing spot, in characters from 1.
    public var column: Int
    /// The source of the command that failed while executing; nil for parse errors.
    public var command: String?
    /// What went wrong, without the location.
    public var message: String

    /// A template error at a place in the source.
    public init(templateName: String, line: Int, column: Int, command: String? = nil, message: String) {
        self.templateName = templateName
        self.line = line
        self.column = column
        self.command = command
        self.message = message
    }

    public var description: String {
        let location = "template: \(templateName):\(line):\(column): "
        guard let command else { return location + message }
        return location + "executing \"\(templateName)\" at <\(command)>: \(message)"
    }
}
