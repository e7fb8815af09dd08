import OspreyGoCompat
import OspreyModel

/// One lexical item of PromQL: what it is, its text as written, and the byte offset where it
/// starts (error positions are byte-based, as in Prometheus).
struct Token: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case endOfInput
        /// A name without a colon: a label, a function or a metric name.
        case identifier
        /// A name with a colon, only usable as a metric name (recording rules).
        case metricIdentifier
        case number, string, duration
        case leftParen, rightParen, leftBrace, rightBrace, leftBracket, rightBracket
        case comma, colon
        /// `=`, used only inside braces.
        case assign
        /// `+ - * / % ^ == != < <= > >= and or unless atan2`. Inside braces `!=` is a matcher.
        case binaryOperator(BinaryOp)
        case regexMatch, regexNoMatch
        case at
        case aggregator(AggregateOp)
        case keyword(Keyword)
        /// `start` and `end` of `@ start()`; elsewhere they name metrics.
        case start, end
    }

    enum Keyword: String, Sendable, Equatable {
        case bool, by, ignoring, offset, on, without
        case groupLeft = "group_left"
        case groupRight = "group_right"
    }

    var kind: Kind
    var text: String
    var offset: Int
    /// For string tokens, the value with quotes removed and escapes resolved.
    var stringValue: String? = nil

    /// Words the lexer recognises outside braces, matched case-insensitively.
    static func word(_ lowercased: String) -> Kind? {
        switch lowercased {
        case "and": .binaryOperator(.and)
        case "or": .binaryOperator(.or)
        case "unless": .binaryOperator(.unless)
        case "atan2": .binaryOperator(.atan2)
        case "inf", "nan": .number
        case "start": .start
        case "end": .end
        default:
            if let op = AggregateOp(rawValue: lowercased) {
                .aggregator(op)
            } else if let keyword = Keyword(rawValue: lowercased) {
                .keyword(keyword)
            } else {
                nil
            }
        }
    }

    /// How Prometheus names the token in `unexpected …` messages (its `Item.desc`).
    var errorDescription: String {
        switch kind {
        case .endOfInput:
            return "end of input"
        case .identifier:
            return "identifier \(GoQuote.promQLString(text))"
        case .metricIdentifier:
            return "metric identifier \(GoQuote.promQLString(text))"
        case .number:
            return "number \(Self.abbreviated(text))"
        case .string:
            return "string \(Self.abbreviated(text))"
        case .duration:
            return "duration \(Self.abbreviated(text))"
        case .binaryOperator, .regexMatch, .regexNoMatch:
            return "<op:\(text)>"
        case .at:
            // Prometheus has no display name for `@`, so it prints the token type's number.
            return "\"<Item 57385>\" <op:@>"
        case .aggregator:
            return "<aggr:\(text)>"
        case .keyword:
            return "<\(text)>"
        case .leftParen, .rightParen, .leftBrace, .rightBrace, .leftBracket, .rightBracket,
            .comma, .colon, .assign, .start, .end:
            return GoQuote.promQLString(text)
        }
    }

    /// Go's `%.10q...` for long literals: the first ten characters, quoted, then an ellipsis.
    private static func abbreviated(_ text: String) -> String {
        // The length test counts bytes, the cut counts characters, as Go's `len` and `%.10q` do.
        guard text.utf8.count > 10 else { return GoQuote.promQLString(text) }
        var prefix = String.UnicodeScalarView()
        prefix.append(contentsOf: text.unicodeScalars.prefix(10))
        return GoQuote.promQLString(String(prefix)) + "..."
    }
}
