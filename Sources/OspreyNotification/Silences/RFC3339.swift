import Foundation
import OspreyGoCompat

/// Times as Alertmanager's API reads them: RFC 3339 with any fraction of a second and any offset.
/// (It writes them as `Date.rfc3339Millis`.)
public enum RFC3339 {
    public static func parse(_ text: String) -> Date? {
        // The fraction is read here so that any number of digits works, and up to nanoseconds.
        guard let dot = text.firstIndex(of: ".") else { return whole(text) }
        let digits = text[text.index(after: dot)...].prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let seconds = whole(String(text[..<dot]) + text[digits.endIndex...]) else { return nil }
        let fraction = Double("0." + digits) ?? 0
        return seconds.addingTimeInterval(fraction)
    }

    private static func whole(_ text: String) -> Date? {
        let upper = text.uppercased()
        guard upper.count >= 20, upper.contains("T") else { return nil }
        return try? Date.ISO8601FormatStyle().parse(upper)
    }
}
