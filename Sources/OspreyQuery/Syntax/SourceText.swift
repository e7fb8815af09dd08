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
