import Foundation

/// Text the way Go's standard library writes it, for output Alertmanager's users compare byte for byte.
public enum GoText {
    /// A JSON string as Go's `encoding/json` writes it: `<`, `>`, `&`, U+2028 and U+2029
    /// escaped too, so the bytes match Alertmanager's.
    public static func jsonString(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{08}": result += "\\b"
            case "\u{0C}": result += "\\f"
            case "<", ">", "&", "\u{2028}", "\u{2029}": result += "\\u" + padded(scalar.value, digits: 4)
            default:
                if scalar.value < 0x20 {
                    result += "\\u" + padded(scalar.value, digits: 4)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    /// A JSON object of string values with keys in byte order, as Go writes a `map[string]string`.
    public static func jsonObject(_ pairs: [(String, String)]) -> String {
        let sorted = pairs.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
        return "{" + sorted.map { jsonString($0.0) + ":" + jsonString($0.1) }.joined(separator: ",") + "}"
    }

    /// `regexp.QuoteMeta`, which Alertmanager applies to the receiver name in payloads.
    public static func regexQuoted(_ text: String) -> String {
        var result = ""
        for character in text {
            if #"\.+*?()|[]{}^$"#.contains(character) { result.append("\\") }
            result.append(character)
        }
        return result
    }

    private static func padded(_ value: UInt32, digits: Int, radix: Int = 16) -> String {
        let text = String(value, radix: radix)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
