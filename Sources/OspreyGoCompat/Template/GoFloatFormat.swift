import Foundation

/// Go's float formatting (`strconv.FormatFloat` and the fmt verbs built on it), which differs
/// from C's in how it spells infinities and NaN and in how `%v` picks its layout.
enum GoFloatFormat {
    /// `%v` and `%g` without precision: the shortest digits that read back as `value`, with an
    /// exponent when it is below -4 or at least 6 (Go's `1e+06`, `1.234567e+06`, `123456`).
    static func shortest(_ value: Double) -> String {
        if let special = special(value) { return special }
        if value == 0 { return value.sign == .minus ? "-0" : "0" }
        let (digits, point) = shortestDigits(value.magnitude)
        let sign = value < 0 ? "-" : ""
        let exponent = point - 1
        if exponent < -4 || exponent >= 6 {
            return sign + exponentLayout(digits: digits, exponent: exponent)
        }
        if point <= 0 { return sign + "0." + String(repeating: "0", count: -point) + digits }
        if point >= digits.count { return sign + digits + String(repeating: "0", count: point - digits.count) }
        let split = digits.index(digits.startIndex, offsetBy: point)
        return sign + digits[..<split] + "." + digits[split...]
    }

    /// `%e` without precision is `%.6e`; this is `%.Ne`, `%.Nf` and `%.Ng` (`verb` e, f or g).
    static func withPrecision(_ value: Double, verb: Character, precision: Int) -> String {
        if let special = special(value) { return special }
        return String(format: "%.\(precision)\(verb)", value)
    }

    /// `NaN`, `+Inf` and `-Inf` as Go spells them; nil for finite values.
    static func special(_ value: Double) -> String? {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        return nil
    }

    /// The shortest round-tripping decimal digits of a positive finite value, and where the
    /// decimal point goes (digits `15`, point 1 is 1.5).
    private static func shortestDigits(_ magnitude: Double) -> (String, Int) {
        // Swift's description finds the same shortest digits as Go, only laid out differently.
        let text = magnitude.description
        let parts = text.split(separator: "e")
        let mantissa = parts[0]
        let exponent = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        let pieces = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let integer = String(pieces[0])
        let fraction = pieces.count > 1 ? String(pieces[1]) : ""
        var digits = integer + fraction
        var point = integer.count + exponent
        while digits.hasPrefix("0"), digits.count > 1 {
            digits.removeFirst()
            point -= 1
        }
        while digits.hasSuffix("0"), digits.count > 1 { digits.removeLast() }
        return (digits, point)
    }

    private static func exponentLayout(digits: String, exponent: Int) -> String {
        var mantissa = String(digits.prefix(1))
        if digits.count > 1 { mantissa += "." + digits.dropFirst() }
        let magnitude = abs(exponent)
        return mantissa + (exponent < 0 ? "e-" : "e+") + (magnitude < 10 ? "0" : "") + String(magnitude)
    }
}
