import OspreyModel

/// Reads Alertmanager's matcher strings (`severity="critical"`, `team=~a|b`, `{x!=y, z!~"w.*"}`)
/// as its classic parser does: values may be quoted or bare, a comma separates matchers.
public enum AlertingMatcherParser {
    /// Why a matcher string was refused, naming the string.
    public struct SyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
        public var text: String
        public var reason: String
        public var description: String { "bad matcher \"\(text)\": \(reason)" }
    }

    /// Every matcher in one string: a single matcher, or a comma-separated list, braces optional.
    public static func parse(_ text: String) throws(SyntaxError) -> [LabelMatcher] {
        var body = Substring(text).trimmingWhitespace
        if body.hasPrefix("{") {
            guard body.hasSuffix("}") else { throw SyntaxError(text: text, reason: "missing closing \"}\"") }
            body = body.dropFirst().dropLast()
        }
        var matchers: [LabelMatcher] = []
        for piece in splitOutsideQuotes(body) where !piece.trimmingWhitespace.isEmpty {
            matchers.append(try parseOne(String(piece)))
        }
        if matchers.isEmpty { throw SyntaxError(text: text, reason: "no matcher") }
        return matchers
    }

    /// One `name op value` matcher.
    public static func parseOne(_ text: String) throws(SyntaxError) -> LabelMatcher {
        let trimmed = Substring(text).trimmingWhitespace
        let nameEnd = trimmed.firstIndex { !isNameCharacter($0) } ?? trimmed.endIndex
        let name = String(trimmed[..<nameEnd])
        guard let first = name.first, !first.isNumber else {
            throw SyntaxError(text: text, reason: "expected a label name, then =, !=, =~ or !~")
        }
        let rest = trimmed[nameEnd...].trimmingWhitespace
        // `=~` before `=`, else `=` would take the `~` into the value.
        let operators: [(String, LabelMatcher.Kind)] = [("=~", .regex), ("!~", .notRegex), ("!=", .notEqual), ("=", .equal)]
        guard let (symbol, kind) = operators.first(where: { rest.hasPrefix($0.0) }) else {
            throw SyntaxError(text: text, reason: "expected =, !=, =~ or !~ after \"\(name)\"")
        }
        let value = try unquote(rest.dropFirst(symbol.count).trimmingWhitespace, in: text)
        do {
            return try LabelMatcher(kind, name, value)
        } catch {
            throw SyntaxError(text: text, reason: error.description)
        }
    }

    /// The value with its optional quotes removed and `\"`, `\\`, `\n` unescaped; any other
    /// backslash stays literal, as Alertmanager keeps it.
    private static func unquote(_ raw: Substring, in text: String) throws(SyntaxError) -> String {
        var raw = raw
        var expectsClosingQuote = false
        if raw.hasPrefix("\"") {
            raw = raw.dropFirst()
            expectsClosingQuote = true
        }
        var value = ""
        var escaped = false
        var index = raw.startIndex
        while index < raw.endIndex {
            let character = raw[index]
            let isLast = raw.index(after: index) == raw.endIndex
            defer { index = raw.index(after: index) }
            if escaped {
                escaped = false
                switch character {
                case "n": value.append("\n")
                case "\"", "\\": value.append(character)
                default:
                    value.append("\\")
                    value.append(character)
                }
                continue
            }
            switch character {
            case "\\":
                if isLast { value.append("\\") } else { escaped = true }
            case "\"":
                guard expectsClosingQuote, isLast else {
                    throw SyntaxError(text: text, reason: "unescaped double quote in the value")
                }
                expectsClosingQuote = false
            default:
                value.append(character)
            }
        }
        if expectsClosingQuote { throw SyntaxError(text: text, reason: "missing closing double quote") }
        return value
    }

    private static func splitOutsideQuotes(_ text: Substring) -> [Substring] {
        var pieces: [Substring] = []
        var start = text.startIndex
        var inQuotes = false
        var escaped = false
        for index in text.indices {
            let character = text[index]
            if escaped {
                escaped = false
                continue
            }
            switch character {
            case "\\" where inQuotes: escaped = true
            case "\"": inQuotes.toggle()
            case "," where !inQuotes:
                pieces.append(text[start..<index])
                start = text.index(after: index)
            default: break
            }
        }
        pieces.append(text[start...])
        return pieces
    }

    private static func isNameCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "_" || character == ":")
    }
}

extension Substring {
    fileprivate var trimmingWhitespace: Substring {
        var result = self
        while let first = result.first, first.isWhitespace { result = result.dropFirst() }
        while let last = result.last, last.isWhitespace { result = result.dropLast() }
        return result
    }
}
