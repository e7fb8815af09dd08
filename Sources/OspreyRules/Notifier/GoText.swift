import Foundation

/// Text the way Go's standard library writes it, for output Alertmanager's users compare byte for byte.
enum GoText {
    /// `strconv.Quote`: double quotes, with backslash escapes for quotes, backslashes and
    /// non-printable characters.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\u{07}": result += "\\a"
            case "\u{08}": result += "\\b"
            case "\u{0C}": result += "\\f"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{0B}": result += "\\v"
            default:
                if isPrintable(scalar) {
                    result.unicodeScalars.append(scalar)
                } else if scalar.value < 0x80 {
                    result += "\\x" + padded(scalar.value, digits: 2)
                } else if scalar.value < 0x10000 {
                    result += "\\u" + padded(scalar.value, digits: 4)
                } else {
                    result += "\\U" + padded(scalar.value, digits: 8)
                }
            }
        }
        return result + "\""
    }

    /// Go's `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space.
    private static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == " " { return true }
        switch scalar.properties.generalCategory {
        case .control, .format, .privateUse, .surrogate, .unassigned, .spaceSeparator, .lineSeparator, .paragraphSeparator:
            return false
        default:
            return true
        }
    }

    /// A JSON string as Go's `encoding/json` writes it: `<`, `>`, `&`, U+2028 and U+2029
    /// escaped too, so the bytes match Alertmanager's.
    static func jsonString(_ text: String) -> String {
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
    static func jsonObject(_ pairs: [(String, String)]) -> String {
        let sorted = pairs.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
        return "{" + sorted.map { jsonString($0.0) + ":" + jsonString($0.1) }.joined(separator: ",") + "}"
    }

    /// `regexp.QuoteMeta`, which Alertmanager applies to the receiver name in payloads.
    static func regexQuoted(_ text: String) -> String {
        var result = ""
        for character in text {
            if #"\.+*?()|[]{}^$"#.contains(character) { result.append("\\") }
            result.append(character)
        }
        return result
    }

    /// Go's `time.Time` zero value as RFC 3339, which Alertmanager shows for firing alerts' `endsAt`.
    static let zeroTime = "0001-01-01T00:00:00Z"

    /// RFC 3339 in UTC with Go's `RFC3339Nano` fraction: trailing zeros dropped, none when whole.
    /// Microseconds at most: a `Date` holds no finer digits that are not noise.
    static func rfc3339Nano(_ date: Date) -> String {
        let (seconds, micros) = split(date)
        guard micros > 0 else { return dateTime(seconds) + "Z" }
        var fraction = padded(UInt32(micros), digits: 6, radix: 10)
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return dateTime(seconds) + "." + fraction + "Z"
    }

    /// RFC 3339 in UTC with exactly three fraction digits, as go-openapi's `strfmt.DateTime` writes it.
    static func rfc3339Millis(_ date: Date) -> String {
        let (seconds, micros) = split(date)
        return dateTime(seconds) + "." + padded(UInt32(micros / 1000), digits: 3, radix: 10) + "Z"
    }

    private static func split(_ date: Date) -> (seconds: Int64, micros: Int64) {
        let totalMicros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        let seconds = totalMicros >= 0 ? totalMicros / 1_000_000 : (totalMicros - 999_999) / 1_000_000
        return (seconds, totalMicros - seconds * 1_000_000)
    }

    /// `YYYY-MM-DDTHH:MM:SS` of Unix seconds in UTC, by the proleptic Gregorian calendar.
    private static func dateTime(_ unixSeconds: Int64) -> String {
        let days = unixSeconds >= 0 ? unixSeconds / 86_400 : (unixSeconds - 86_399) / 86_400
        let secondOfDay = unixSeconds - days * 86_400
        // Civil date from a day count (days since 1970-01-01), in 400-year eras.
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ value: Int64, _ digits: Int) -> String { padded(UInt32(value), digits: digits, radix: 10) }
        let date = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
        return date + "T\(pad(secondOfDay / 3_600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))"
    }

    private static func padded(_ value: UInt32, digits: Int, radix: Int = 16) -> String {
        let text = String(value, radix: radix)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
