/// Splits a template into tokens as Go's text/template lexer does: text between `{{ }}` actions,
/// with `{{- ` and ` -}}` trimming the white space next to them and `{{/* */}}` comments dropped.
struct TemplateLexer {
    /// A lexing failure at a scalar offset.
    struct Failure: Error {
        var offset: Int
        var message: String
    }

    private static let keywords: Set<String> = [
        "if", "else", "end", "range", "with", "define", "template", "block", "break", "continue", "nil",
    ]

    private let source: [Unicode.Scalar]
    private var position = 0
    private var tokens: [TemplateToken] = []
    private var trimNextText = false

    private init(_ source: [Unicode.Scalar]) {
        self.source = source
    }

    /// All tokens of `source`, ending with `.endOfInput`.
    static func tokens(of source: [Unicode.Scalar]) throws(Failure) -> [TemplateToken] {
        var lexer = TemplateLexer(source)
        try lexer.run()
        return lexer.tokens
    }

    private mutating func run() throws(Failure) {
        while position < source.count {
            let start = position
            while position < source.count, !isAt("{{") { position += 1 }
            var text = source[start..<position]
            if trimNextText {
                while let first = text.first, Self.isSpace(first) { text.removeFirst() }
                trimNextText = false
            }
            guard position < source.count else {
                emitText(text, offset: start)
                break
            }
            let actionStart = position
            let trimsLeft = isAt("{{- ") || isAt("{{-\t") || isAt("{{-\n") || isAt("{{-\r")
            if trimsLeft {
                while let last = text.last, Self.isSpace(last) { text.removeLast() }
            }
            emitText(text, offset: start)
            position += trimsLeft ? 3 : 2
            try lexAction(startingAt: actionStart)
        }
        tokens.append(TemplateToken(kind: .endOfInput, text: "", offset: source.count))
    }

    private mutating func emitText(_ text: ArraySlice<Unicode.Scalar>, offset: Int) {
        guard !text.isEmpty else { return }
        var string = ""
        string.unicodeScalars.append(contentsOf: text)
        tokens.append(TemplateToken(kind: .text, text: string, offset: offset))
    }

    /// Lexes from after `{{` up to and including the closing `}}`.
    private mutating func lexAction(startingAt actionStart: Int) throws(Failure) {
        let afterDelimiter = position
        while position < source.count, Self.isSpace(source[position]) { position += 1 }
        if isAt("/*") {
            try lexComment(actionStart: actionStart)
            return
        }
        position = afterDelimiter
        tokens.append(TemplateToken(kind: .leftDelimiter, text: "{{", offset: actionStart))
        while true {
            guard position < source.count else { throw Failure(offset: actionStart, message: "unclosed action") }
            if closesAction() { return }
            let scalar = source[position]
            let start = position
            switch scalar {
            case _ where Self.isSpace(scalar):
                while position < source.count, Self.isSpace(source[position]), !closesAction(peekOnly: true) {
                    position += 1
                }
                tokens.append(TemplateToken(kind: .space, text: " ", offset: start))
            case "|": single(.pipe)
            case "(": single(.leftParen)
            case ")": single(.rightParen)
            case ",": single(.comma)
            case "=": single(.assign)
            case ":":
                guard position + 1 < source.count, source[position + 1] == "=" else {
                    throw Failure(offset: start, message: "expected :=")
                }
                position += 2
                tokens.append(TemplateToken(kind: .declare, text: ":=", offset: start))
            case "\"": try lexQuoted(start: start)
            case "`": try lexRawString(start: start)
            case "'": try lexCharacter(start: start)
            case "$":
                position += 1
                consumeAlphanumerics()
                tokens.append(TemplateToken(kind: .variable, text: text(from: start), offset: start))
                try lexFieldChain()
            case ".":
                if position + 1 < source.count, Self.isDigit(source[position + 1]) {
                    try lexNumber(start: start)
                } else if position + 1 < source.count, Self.isAlphanumeric(source[position + 1]) {
                    try lexFieldChain()
                } else {
                    position += 1
                    tokens.append(TemplateToken(kind: .dot, text: ".", offset: start))
                }
            case "+", "-", "0"..."9": try lexNumber(start: start)
            case _ where Self.isAlphanumeric(scalar):
                consumeAlphanumerics()
                let word = text(from: start)
                let kind: TemplateToken.Kind =
                    word == "true" || word == "false" ? .bool : Self.keywords.contains(word) ? .keyword : .identifier
                tokens.append(TemplateToken(kind: kind, text: word, offset: start))
                if kind == .identifier { try lexFieldChain() }
            default:
                throw Failure(offset: start, message: "unrecognized character in action: \(Self.describe(scalar))")
            }
        }
    }

    /// Whether the action ends here (`}}`, or ` -}}` trimming the text after it); consumes it unless peeking.
    private mutating func closesAction(peekOnly: Bool = false) -> Bool {
        var length = 0
        var trims = false
        if isAt("}}") {
            length = 2
        } else if position < source.count, Self.isSpace(source[position]) {
            var probe = position
            while probe < source.count, Self.isSpace(source[probe]) { probe += 1 }
            if probe + 2 < source.count, source[probe] == "-", source[probe + 1] == "}", source[probe + 2] == "}" {
                length = probe + 3 - position
                trims = true
            }
        }
        guard length > 0 else { return false }
        if !peekOnly {
            tokens.append(TemplateToken(kind: .rightDelimiter, text: "}}", offset: position))
            position += length
            trimNextText = trims
        }
        return true
    }

    private mutating func lexComment(actionStart: Int) throws(Failure) {
        position += 2
        while position < source.count, !isAt("*/") { position += 1 }
        guard position < source.count else { throw Failure(offset: actionStart, message: "unclosed comment") }
        position += 2
        if isAt("}}") {
            position += 2
        } else if isAt(" -}}") {
            position += 4
            trimNextText = true
        } else {
            throw Failure(offset: position, message: "comment ends before closing delimiter")
        }
    }

    private mutating func single(_ kind: TemplateToken.Kind) {
        tokens.append(TemplateToken(kind: kind, text: String(Character(source[position])), offset: position))
        position += 1
    }

    /// `.Name` fields following an identifier, variable or dot without a space between.
    private mutating func lexFieldChain() throws(Failure) {
        while position + 1 < source.count, source[position] == ".", Self.isAlphanumeric(source[position + 1]) {
            let start = position
            position += 1
            consumeAlphanumerics()
            tokens.append(TemplateToken(kind: .field, text: text(from: start + 1), offset: start))
        }
        if position < source.count {
            let next = source[position]
            let terminates = Self.isSpace(next) || "|,()=:}.".unicodeScalars.contains(next)
            if !terminates { throw Failure(offset: position, message: "bad character \(Self.describe(next))") }
        }
    }

    private mutating func lexNumber(start: Int) throws(Failure) {
        if source[position] == "+" || source[position] == "-" { position += 1 }
        while position < source.count {
            let scalar = source[position]
            let previous = source[position - 1]
            let isHex = text(from: start).lowercased().hasPrefix("0x") || text(from: start).lowercased().hasPrefix("-0x")
            let isExponentSign =
                (scalar == "+" || scalar == "-")
                && (isHex ? "pP" : "eE").unicodeScalars.contains(previous)
            guard Self.isAlphanumeric(scalar) || scalar == "." || isExponentSign else { break }
            position += 1
        }
        let literal = text(from: start)
        guard TemplateNumber.value(of: literal) != nil else { throw Failure(offset: start, message: "bad number syntax: \"\(literal)\"") }
        tokens.append(TemplateToken(kind: .number, text: literal, offset: start))
    }

    private mutating func lexQuoted(start: Int) throws(Failure) {
        position += 1
        var decoded = ""
        while true {
            guard position < source.count, source[position] != "\n" else {
                throw Failure(offset: start, message: "unterminated quoted string")
            }
            let scalar = source[position]
            position += 1
            if scalar == "\"" { break }
            if scalar == "\\" {
                decoded.unicodeScalars.append(try escape(start: start))
            } else {
                decoded.unicodeScalars.append(scalar)
            }
        }
        tokens.append(TemplateToken(kind: .string, text: decoded, offset: start))
    }

    /// A Go escape after its backslash: `\n`, `\t`, `\"`, `\\`, `\x41`, `\u00e9`, `\101`...
    private mutating func escape(start: Int) throws(Failure) -> Unicode.Scalar {
        guard position < source.count else { throw Failure(offset: start, message: "unterminated quoted string") }
        let letter = source[position]
        position += 1
        let simple: [Unicode.Scalar: Unicode.Scalar] = [
            "a": "\u{07}", "b": "\u{08}", "f": "\u{0C}", "n": "\n", "r": "\r", "t": "\t", "v": "\u{0B}",
            "\\": "\\", "\"": "\"", "'": "'",
        ]
        if let scalar = simple[letter] { return scalar }
        let digitCount: Int
        let radix: Int
        switch letter {
        case "x": (digitCount, radix) = (2, 16)
        case "u": (digitCount, radix) = (4, 16)
        case "U": (digitCount, radix) = (8, 16)
        case "0"..."7":
            position -= 1
            (digitCount, radix) = (3, 8)
        default: throw Failure(offset: position - 2, message: "invalid syntax in quoted string: unknown escape \\\(Character(letter))")
        }
        guard position + digitCount <= source.count else { throw Failure(offset: start, message: "unterminated quoted string") }
        var digits = ""
        digits.unicodeScalars.append(contentsOf: source[position..<position + digitCount])
        position += digitCount
        guard let code = UInt32(digits, radix: radix), let scalar = Unicode.Scalar(code) else {
            throw Failure(offset: start, message: "invalid syntax in quoted string: bad escape \\\(Character(letter))\(digits)")
        }
        return scalar
    }

    private mutating func lexRawString(start: Int) throws(Failure) {
        position += 1
        let contentStart = position
        while position < source.count, source[position] != "`" { position += 1 }
        guard position < source.count else { throw Failure(offset: start, message: "unterminated raw quoted string") }
        var content = ""
        content.unicodeScalars.append(contentsOf: source[contentStart..<position])
        position += 1
        tokens.append(TemplateToken(kind: .string, text: content, offset: start))
    }

    private mutating func lexCharacter(start: Int) throws(Failure) {
        position += 1
        guard position < source.count, source[position] != "\n" else {
            throw Failure(offset: start, message: "unterminated character constant")
        }
        var scalar = source[position]
        position += 1
        if scalar == "\\" { scalar = try escape(start: start) }
        guard position < source.count, source[position] == "'" else {
            throw Failure(offset: start, message: "unterminated character constant")
        }
        position += 1
        tokens.append(TemplateToken(kind: .character, text: String(scalar.value), offset: start))
    }

    private mutating func consumeAlphanumerics() {
        while position < source.count, Self.isAlphanumeric(source[position]) { position += 1 }
    }

    private func text(from start: Int) -> String {
        var string = ""
        string.unicodeScalars.append(contentsOf: source[start..<position])
        return string
    }

    private func isAt(_ literal: String) -> Bool {
        var index = position
        for scalar in literal.unicodeScalars {
            guard index < source.count, source[index] == scalar else { return false }
            index += 1
        }
        return true
    }

    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r"
    }

    static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        ("0"..."9").contains(scalar)
    }

    static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || scalar.properties.isAlphabetic || scalar.properties.numericType == .decimal
    }

    /// Go's `%#U` of a character, as lexing errors name it: `U+0023 '#'`.
    static func describe(_ scalar: Unicode.Scalar) -> String {
        let code = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - code.count)) + code + " '\(Character(scalar))'"
    }
}
