/// Go's quoting (`strconv.Quote`, `%q`, `%#U`): how Prometheus prints string literals and shows
/// characters in its errors, how templates' `%q` prints, and how Alertmanager writes label sets.
public enum GoQuote {
    /// `strconv.Quote`: double quotes, C-style escapes, non-printable characters as `\x`/`\u`/`\U`.
    public static func string(_ text: String) -> String {
        quoted(text, escapingReplacementCharacter: false)
    }

    /// `strconv.Quote`, but with U+FFFD escaped too: it prints, yet Prometheus's lexer rejects it
    /// in strings as a bad byte, so printed queries would not parse again.
    public static func promQLString(_ text: String) -> String {
        quoted(text, escapingReplacementCharacter: true)
    }

    private static func quoted(_ text: String, escapingReplacementCharacter: Bool) -> String {
        var quoted = "\""
        for scalar in text.unicodeScalars {
            if escapingReplacementCharacter, scalar == "\u{FFFD}" {
                quoted += "\\ufffd"
            } else {
                appendEscaped(scalar, quote: "\"", to: &quoted)
            }
        }
        quoted += "\""
        return quoted
    }

    /// `%q` of a rune: single quotes, same escapes.
    public static func rune(_ scalar: Unicode.Scalar) -> String {
        var quoted = "'"
        appendEscaped(scalar, quote: "'", to: &quoted)
        quoted += "'"
        return quoted
    }

    /// `%#U`: `U+0071 'q'`, or just `U+0001` for a character that does not print.
    public static func codePoint(_ scalar: Unicode.Scalar) -> String {
        var text = "U+" + hex(scalar.value, digits: 4, uppercase: true)
        if isPrintable(scalar) {
            text += " '\(Character(scalar))'"
        }
        return text
    }

    /// Go's `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space.
    public static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == " " { return true }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .nonspacingMark, .spacingMark, .enclosingMark,
            .decimalNumber, .letterNumber, .otherNumber,
            .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
            .initialPunctuation, .finalPunctuation, .otherPunctuation,
            .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            return true
        default:
            return false
        }
    }

    private static func appendEscaped(_ scalar: Unicode.Scalar, quote: Unicode.Scalar, to text: inout String) {
        if scalar == quote || scalar == "\\" {
            text.unicodeScalars.append("\\")
            text.unicodeScalars.append(scalar)
            return
        }
        if isPrintable(scalar) {
            text.unicodeScalars.append(scalar)
            return
        }
        switch scalar {
        case "\u{07}": text += "\\a"
        case "\u{08}": text += "\\b"
        case "\u{0C}": text += "\\f"
        case "\n": text += "\\n"
        case "\r": text += "\\r"
        case "\t": text += "\\t"
        case "\u{0B}": text += "\\v"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F {
                text += "\\x" + hex(scalar.value, digits: 2, uppercase: false)
            } else if scalar.value < 0x10000 {
                text += "\\u" + hex(scalar.value, digits: 4, uppercase: false)
            } else {
                text += "\\U" + hex(scalar.value, digits: 8, uppercase: false)
            }
        }
    }

    private static func hex(_ value: UInt32, digits: Int, uppercase: Bool) -> String {
        let text = String(value, radix: 16, uppercase: uppercase)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
