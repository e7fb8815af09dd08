/// One lexical element of a template, with where it starts (a Unicode scalar offset in the source).
struct TemplateToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case text
        case leftDelimiter
        case rightDelimiter
        case space
        case identifier
        case keyword
        case bool
        case field
        case variable
        case dot
        case string
        case number
        case character
        case pipe
        case leftParen
        case rightParen
        case comma
        case declare
        case assign
        case endOfInput
    }

    var kind: Kind
    /// The token's source text; for text and strings, the decoded content.
    var text: String
    var offset: Int
}
