import OspreyGoCompat
import OspreyModel

/// Splits PromQL text into tokens on demand, over UTF-8 bytes. What a character means depends on
/// what is open: inside braces keywords are plain label names, inside brackets letters are
/// separators, right after `[` only a duration may follow. The rules and the messages follow
/// Prometheus's lexer, so that errors read the same.
struct Lexer {
    let source: SourceText
    private var bytes: [UInt8] { source.bytes }
    private var position = 0
    /// Where the token being scanned starts; lexer errors point here.
    private var start = 0
    private var parenDepth = 0
    private var braceOpen = false
    private var bracketOpen = false
    /// Whether the open bracket already had its `:`.
    private var gotColon = false
    private var durationExpected = false

    init(_ source: SourceText) {
        self.source = source
    }

    mutating func next() throws(ParseError) -> Token {
        if durationExpected {
            durationExpected = false
            start = position
            return try duration()
        }
        while true {
            skipSpaces()
            start = position
            if peekByte == UInt8(ascii: "#") {
                while let byte = peekByte, byte != UInt8(ascii: "\n"), byte != UInt8(ascii: "\r") {
                    position += 1
                }
                continue
            }
            return braceOpen ? try insideBraces() : try statement()
        }
    }

    // MARK: - Outside braces

    private mutating func statement() throws(ParseError) -> Token {
        guard let byte = peekByte else {
            if parenDepth != 0 { throw error("unclosed left parenthesis") }
            if bracketOpen { throw error("unclosed left bracket") }
            return token(.endOfInput)
        }
        let character = Unicode.Scalar(byte)
        position += 1
        switch character {
        case ",": return token(.comma)
        case "*": return token(.binaryOperator(.multiply))
        case "/": return token(.binaryOperator(.divide))
        case "%": return token(.binaryOperator(.modulo))
        case "+": return token(.binaryOperator(.add))
        case "-": return token(.binaryOperator(.subtract))
        case "^": return token(.binaryOperator(.power))
        case "@": return token(.at)
        case "=":
            if accept("=") { return token(.binaryOperator(.equal)) }
            if peekByte == UInt8(ascii: "~") { throw error("unexpected character after '=': '~'") }
            return token(.assign)
        case "!":
            if accept("=") { return token(.binaryOperator(.notEqual)) }
            throw error("unexpected character after '!': \(GoQuote.rune(consumeScalar()))")
        case "<":
            let op: BinaryOp = accept("=") ? .lessOrEqual : .less
            return token(.binaryOperator(op))
        case ">":
            let op: BinaryOp = accept("=") ? .greaterOrEqual : .greater
            return token(.binaryOperator(op))
        case "\"", "'":
            return try quotedString(closedBy: byte)
        case "`":
            return try rawString()
        case "(":
            parenDepth += 1
            return token(.leftParen)
        case ")":
            parenDepth -= 1
            if parenDepth < 0 {
                // Prometheus reports this after having taken the parenthesis.
                start = position
                throw error("unexpected right parenthesis ')'")
            }
            return token(.rightParen)
        case "{":
            braceOpen = true
            return token(.leftBrace)
        case "[":
            if bracketOpen { throw error("unexpected left bracket '['") }
            gotColon = false
            let bracket = token(.leftBracket)
            skipSpaces()
            bracketOpen = true
            durationExpected = true
            return bracket
        case "]":
            if !bracketOpen { throw error("unexpected right bracket ']'") }
            bracketOpen = false
            return token(.rightBracket)
        default:
            if isDigit(byte) || (character == "." && peekByte.map(isDigit) == true) {
                position -= 1
                return try numberOrDuration()
            }
            if isAlpha(byte) || character == ":" {
                if !bracketOpen {
                    position -= 1
                    return keywordOrIdentifier()
                }
                // Between `[` and `]` any letter separates range from step, as in Prometheus.
                if gotColon { throw error("unexpected colon \(GoQuote.rune(character))") }
                gotColon = true
                return token(.colon)
            }
            position -= 1
            throw error("unexpected character: \(GoQuote.rune(consumeScalar()))")
        }
    }

    private mutating func keywordOrIdentifier() -> Token {
        while let byte = peekByte, isAlphaNumeric(byte) || byte == UInt8(ascii: ":") {
            position += 1
        }
        let word = String(decoding: bytes[start..<position], as: UTF8.self)
        if let kind = Token.word(word.lowercased()) {
            return token(kind)
        }
        return token(word.contains(":") ? .metricIdentifier : .identifier)
    }

    // MARK: - Inside braces

    private mutating func insideBraces() throws(ParseError) -> Token {
        guard let byte = peekByte else {
            throw error("unexpected end of input inside braces")
        }
        let character = Unicode.Scalar(byte)
        position += 1
        switch character {
        case ",": return token(.comma)
        case "\"", "'": return try quotedString(closedBy: byte)
        case "`": return try rawString()
        case "=":
            // Decided before `token` is called: a method call reads `self` before its arguments.
            let kind: Token.Kind = accept("~") ? .regexMatch : .assign
            return token(kind)
        case "!":
            if accept("~") { return token(.regexNoMatch) }
            if accept("=") { return token(.binaryOperator(.notEqual)) }
            throw error("unexpected character after '!' inside braces: \(GoQuote.rune(consumeScalar()))")
        case "{":
            throw error("unexpected left brace '{'")
        case "}":
            braceOpen = false
            return token(.rightBrace)
        default:
            if isAlpha(byte) {
                while let next = peekByte, isAlphaNumeric(next) {
                    position += 1
                }
                return token(.identifier)
            }
            position -= 1
            throw error("unexpected character inside braces: \(GoQuote.rune(consumeScalar()))")
        }
    }

    // MARK: - Numbers and durations

    private mutating func numberOrDuration() throws(ParseError) -> Token {
        if scanNumber() { return token(.number) }
        if acceptRemainingDuration() { return token(.duration) }
        throw error("bad number or duration syntax: \(GoQuote.promQLString(scannedText))")
    }

    /// Right after `[`: the range must be a duration.
    private mutating func duration() throws(ParseError) -> Token {
        if scanNumber() { throw error("missing unit character in duration") }
        if !acceptRemainingDuration() {
            throw error("bad duration syntax: \(GoQuote.promQLString(scannedText))")
        }
        return token(.duration)
    }

    /// Takes anything number-like (decimal, hex, fraction, exponent); the parser checks the
    /// value. True when no letter or digit follows, that is when it cannot be a duration.
    private mutating func scanNumber() -> Bool {
        var isHex = false
        if accept("0"), accept("xX") {
            isHex = true
        }
        let isDigitOfBase = isHex ? isHexDigit : isDigit
        acceptRun(isDigitOfBase)
        if accept(".") {
            acceptRun(isDigitOfBase)
        }
        if accept("eE") {
            _ = accept("+-")
            acceptRun(isDigit)
        }
        return peekByte.map(isAlphaNumeric) != true
    }

    /// The unit after a duration's number, then more number-unit pairs. Which units and in
    /// which order is for the duration parser to say; this only finds the token's end.
    private mutating func acceptRemainingDuration() -> Bool {
        guard accept("smhdwy") else { return false }
        _ = accept("s")
        while accept("0123456789") {
            acceptRun(isDigit)
            guard accept("smhdw") else { return false }
            _ = accept("s")
        }
        // Prometheus takes the next character to look at it, so a bad one is part of the message.
        guard let byte = peekByte, isAlphaNumeric(byte) else { return true }
        position += 1
        return false
    }

    // MARK: - Strings

    private mutating func quotedString(closedBy quote: UInt8) throws(ParseError) -> Token {
        var value: [UInt8] = []
        while true {
            guard let byte = peekByte, byte != UInt8(ascii: "\n") else {
                throw error("unterminated quoted string")
            }
            if byte == quote {
                position += 1
                break
            }
            if byte == UInt8(ascii: "\\") {
                position += 1
                try escape(closedBy: quote, into: &value)
                continue
            }
            let length = scalarLength(at: position)
            if scalar(at: position) == "\u{FFFD}" { throw error("invalid UTF-8 rune") }
            value.append(contentsOf: bytes[position..<position + length])
            position += length
        }
        var literal = token(.string)
        literal.stringValue = String(decoding: value, as: UTF8.self)
        return literal
    }

    /// One escape after a backslash, appended to `value` as Go's unquoting does: `\x` and octal
    /// escapes give single bytes, `\u` and `\U` give characters.
    private mutating func escape(closedBy quote: UInt8, into value: inout [UInt8]) throws(ParseError) {
        guard let byte = peekByte else { throw error("escape sequence not terminated") }
        if let replacement = simpleEscape(byte, quote: quote) {
            position += 1
            value.append(replacement)
            return
        }
        let digits: Int
        let base: UInt32
        let maximum: UInt32
        switch Unicode.Scalar(byte) {
        case "0"..."7":
            (digits, base, maximum) = (3, 8, 255)
        case "x":
            position += 1
            (digits, base, maximum) = (2, 16, 255)
        case "u":
            position += 1
            (digits, base, maximum) = (4, 16, 0x10FFFF)
        case "U":
            position += 1
            (digits, base, maximum) = (8, 16, 0x10FFFF)
        default:
            throw error("unknown escape sequence \(GoQuote.codePoint(consumeScalar()))")
        }
        var code: UInt32 = 0
        for _ in 0..<digits {
            guard let digitByte = peekByte else { throw error("escape sequence not terminated") }
            guard let digit = digitValue(digitByte), digit < base else {
                throw error("illegal character \(GoQuote.codePoint(consumeScalar())) in escape sequence")
            }
            position += 1
            code = code * base + digit
        }
        guard code <= maximum, !(0xD800..<0xE000).contains(code), let scalar = Unicode.Scalar(code) else {
            throw error("escape sequence is an invalid Unicode code point")
        }
        if maximum == 255 {
            value.append(UInt8(code))
        } else {
            value.append(contentsOf: String(Character(scalar)).utf8)
        }
    }

    private func simpleEscape(_ byte: UInt8, quote: UInt8) -> UInt8? {
        switch Unicode.Scalar(byte) {
        case "a": 0x07
        case "b": 0x08
        case "f": 0x0C
        case "n": 0x0A
        case "r": 0x0D
        case "t": 0x09
        case "v": 0x0B
        case "\\": byte
        default: byte == quote ? byte : nil
        }
    }

    private mutating func rawString() throws(ParseError) -> Token {
        while true {
            guard let byte = peekByte else { throw error("unterminated raw string") }
            if byte == UInt8(ascii: "`") {
                position += 1
                break
            }
            if scalar(at: position) == "\u{FFFD}" { throw error("invalid UTF-8 rune") }
            position += scalarLength(at: position)
        }
        var literal = token(.string)
        literal.stringValue = String(decoding: bytes[(start + 1)..<(position - 1)], as: UTF8.self)
        return literal
    }

    // MARK: - Helpers

    private var peekByte: UInt8? {
        position < bytes.count ? bytes[position] : nil
    }

    private var scannedText: String {
        String(decoding: bytes[start..<position], as: UTF8.self)
    }

    private func token(_ kind: Token.Kind) -> Token {
        Token(kind: kind, text: scannedText, offset: start)
    }

    private func error(_ message: String) -> ParseError {
        source.error(at: start, message)
    }

    private mutating func accept(_ set: StaticString) -> Bool {
        guard let byte = peekByte else { return false }
        let matches = set.withUTF8Buffer { $0.contains(byte) }
        if matches { position += 1 }
        return matches
    }

    private mutating func acceptRun(_ predicate: (UInt8) -> Bool) {
        while let byte = peekByte, predicate(byte) {
            position += 1
        }
    }

    private mutating func skipSpaces() {
        while let byte = peekByte, isSpace(byte) {
            position += 1
        }
    }

    /// Takes the character at the current position for an error message; the end of input
    /// shows as U+FFFD, as Go's `%q` shows its end-of-file rune.
    private mutating func consumeScalar() -> Unicode.Scalar {
        guard position < bytes.count else { return "\u{FFFD}" }
        let character = scalar(at: position)
        position += scalarLength(at: position)
        return character
    }

    private func scalarLength(at index: Int) -> Int {
        let lead = bytes[index]
        switch lead {
        case 0..<0x80: return 1
        case 0xC0..<0xE0: return 2
        case 0xE0..<0xF0: return 3
        default: return 4
        }
    }

    /// The input came from a Swift `String`, so it is valid UTF-8.
    private func scalar(at index: Int) -> Unicode.Scalar {
        let length = scalarLength(at: index)
        var value = length == 1 ? UInt32(bytes[index]) : UInt32(bytes[index]) & (0xFF >> (length + 1))
        for offset in 1..<max(length, 1) where index + offset < bytes.count {
            value = value << 6 | UInt32(bytes[index + offset] & 0x3F)
        }
        return Unicode.Scalar(value) ?? "\u{FFFD}"
    }
}

private func isSpace(_ byte: UInt8) -> Bool {
    byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
}

private func isDigit(_ byte: UInt8) -> Bool {
    byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
}

private func isHexDigit(_ byte: UInt8) -> Bool {
    digitValue(byte) != nil
}

private func digitValue(_ byte: UInt8) -> UInt32? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
    case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
    case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
    default: nil
    }
}

/// Letters and underscore, ASCII only: Prometheus names are ASCII.
func isAlpha(_ byte: UInt8) -> Bool {
    byte == UInt8(ascii: "_") || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
        || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
}

func isAlphaNumeric(_ byte: UInt8) -> Bool {
    isAlpha(byte) || isDigit(byte)
}
