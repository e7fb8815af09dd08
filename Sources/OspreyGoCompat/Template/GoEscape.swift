/// Go's escaping functions that templates reach: `html`, `js` and `urlquery`, each with Go's
/// exact output so rendered alerts match Prometheus's.
enum GoEscape {
    /// `template.HTMLEscapeString`.
    static func html(_ text: String) -> String {
        var output = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "&": output += "&amp;"
            case "'": output += "&#39;"
            case "\"": output += "&#34;"
            case "\0": output += "\u{FFFD}"
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output
    }

    /// `template.JSEscapeString`.
    static func javaScript(_ text: String) -> String {
        var output = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": output += "\\\\"
            case "'": output += "\\'"
            case "\"": output += "\\\""
            case "<", ">", "&", "=":
                output += "\\u" + hex(scalar.value, digits: 4, uppercase: true)
            default:
                if scalar.value < 0x20 {
                    output += "\\u" + hex(scalar.value, digits: 4, uppercase: true)
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        return output
    }

    /// `url.QueryEscape`: letters, digits and `-_.~` stay, a space becomes `+`, the rest `%XX`.
    static func queryEscape(_ text: String) -> String {
        var output = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                output.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " "):
                output += "+"
            default:
                output += "%" + hex(UInt32(byte), digits: 2, uppercase: true)
            }
        }
        return output
    }

    private static func hex(_ value: UInt32, digits: Int, uppercase: Bool) -> String {
        let text = String(value, radix: 16, uppercase: uppercase)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
