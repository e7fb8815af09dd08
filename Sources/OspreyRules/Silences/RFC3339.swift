import Foundation

/// Times as Alertmanager's API writes them (UTC, milliseconds: `2024-05-01T12:00:00.000Z`) and
/// reads them (RFC 3339 with any fraction of a second and any offset).
public enum RFC3339 {
    public static func format(_ date: Date) -> String {
        let time = date.timeIntervalSince1970
        let whole = time.rounded(.down)
        let milliseconds = min(999, Int(((time - whole) * 1000).rounded(.down)))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let parts = calendar.dateComponents(
            [.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: whole))
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0,
            parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0, milliseconds)
    }

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
