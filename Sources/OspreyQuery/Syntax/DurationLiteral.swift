import OspreyGoCompat
import OspreyModel

/// A duration as written in a query (`5m`, `1h30m`, `500ms`), read as Prometheus's
/// `model.ParseDuration` reads it: units from years down to milliseconds, each at most once.
/// Prometheus holds durations as Go nanoseconds, so anything past about 292 years is out of range.
enum DurationLiteral {
    struct SyntaxError: Error, Equatable {
        var message: String
    }

    private static let units: [(name: String, milliseconds: Int64)] = [
        ("y", 365 * 24 * 3_600_000), ("w", 7 * 24 * 3_600_000), ("d", 24 * 3_600_000),
        ("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1),
    ]

    /// Milliseconds, or Prometheus's error text.
    static func milliseconds(_ text: String) -> Result<Int64, SyntaxError> {
        if text == "0" { return .success(0) }
        if text.isEmpty { return .failure(SyntaxError(message: "empty duration string")) }
        guard let parts = parts(of: text) else {
            return .failure(SyntaxError(message: "not a valid duration string: \(GoQuote.promQLString(text))"))
        }
        let nanosecondsPerMillisecond: Int64 = 1_000_000
        var nanoseconds: Int64 = 0
        var outOfRange = false
        for (count, unit) in parts {
            let multiplier = units[unit].milliseconds
            if count > Int64.max / multiplier / nanosecondsPerMillisecond {
                outOfRange = true
            }
            // Wrapping like Go's arithmetic, whose sign flip is how Prometheus notices overflow.
            nanoseconds = nanoseconds &+ (count &* nanosecondsPerMillisecond &* multiplier)
            if nanoseconds < 0 { outOfRange = true }
        }
        if outOfRange { return .failure(SyntaxError(message: "duration out of range")) }
        return .success(nanoseconds / nanosecondsPerMillisecond)
    }

    /// The number-unit pairs, units in decreasing order; nil when the text is not of that form.
    private static func parts(of text: String) -> [(count: Int64, unit: Int)]? {
        var rest = Substring(text).utf8[...]
        var parts: [(count: Int64, unit: Int)] = []
        while !rest.isEmpty {
            let digits = rest.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
            guard !digits.isEmpty else { return nil }
            rest = rest.dropFirst(digits.count)
            let letters = rest.prefix { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }
            rest = rest.dropFirst(letters.count)
            let name = String(decoding: letters, as: UTF8.self)
            guard let unit = units.firstIndex(where: { $0.name == name }), unit > (parts.last?.unit ?? -1) else {
                return nil
            }
            // Too many digits for 64 bits counts as the largest number, as Go's Atoi returns it.
            let count = Int64(String(decoding: digits, as: UTF8.self)) ?? .max
            parts.append((count, unit))
        }
        return parts
    }
}
