/// A PromQL syntax or type error at a position of the query text.
public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// 1-based line and column of the first offending character.
    public var line: Int
    public var column: Int
    /// What is wrong, in Prometheus's words (`unexpected <by>`).
    public var message: String

    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    /// Prometheus's form: `1:14: parse error: unexpected <by>`.
    public var description: String { "\(line):\(column): parse error: \(message)" }
}
