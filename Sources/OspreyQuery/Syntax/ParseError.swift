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

/// The query text as bytes, to turn byte offsets into Prometheus's line:column positions.
struct SourceText: Sendable {
    let bytes: [UInt8]

    init(_ text: String) {
        bytes = Array(text.utf8)
    }

    var count: Int { bytes.count }

    /// An error at a byte offset. Columns count bytes from the line start, as Prometheus does.
    func error(at offset: Int, _ message: String) -> ParseError {
        let end = min(max(offset, 0), bytes.count)
        var line = 1
        var lineStart = 0
        for index in 0..<end where bytes[index] == UInt8(ascii: "\n") {
            line += 1
            lineStart = index + 1
        }
        return ParseError(line: line, column: end - lineStart + 1, message: message)
    }
}
