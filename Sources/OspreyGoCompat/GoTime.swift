/// Times written as Go writes them, in UTC: RFC 3339 as Prometheus's and Alertmanager's APIs
/// write it, and `time.Time.String()` as templates print it.
public enum GoTime {
    /// Go's zero `time.Time` in RFC 3339, which Alertmanager shows for firing alerts' `endsAt`.
    public static let zero = "0001-01-01T00:00:00Z"

    /// `RFC3339Nano`: the fraction's trailing zeros dropped, none when the second is whole.
    public static func rfc3339Nano(microseconds: Int64) -> String {
        let (seconds, micros) = microseconds.floorDividedWithRemainder(by: 1_000_000)
        guard micros > 0 else { return dateTime(seconds, separator: "T") + "Z" }
        return dateTime(seconds, separator: "T") + "." + trimmedFraction(micros, digits: 6) + "Z"
    }

    /// RFC 3339 with exactly three fraction digits, as go-openapi's `strfmt.DateTime` writes it.
    public static func rfc3339Millis(microseconds: Int64) -> String {
        let (seconds, micros) = microseconds.floorDividedWithRemainder(by: 1_000_000)
        return dateTime(seconds, separator: "T") + "." + padded(micros / 1000, 3) + "Z"
    }

    /// The same from milliseconds, which reach 292 million years either side of 1970, where
    /// microseconds would not fit.
    public static func rfc3339Millis(milliseconds: Int64) -> String {
        let (seconds, millis) = milliseconds.floorDividedWithRemainder(by: 1000)
        return dateTime(seconds, separator: "T") + "." + padded(millis, 3) + "Z"
    }

    /// `time.Time.String()`: `2009-02-13 23:31:30.123 +0000 UTC`, trailing zeros dropped.
    public static func text(milliseconds: Int64) -> String {
        let (seconds, millis) = milliseconds.floorDividedWithRemainder(by: 1000)
        let fraction = millis == 0 ? "" : "." + trimmedFraction(millis, digits: 3)
        return dateTime(seconds, separator: " ") + fraction + " +0000 UTC"
    }

    private static func trimmedFraction(_ value: Int64, digits: Int) -> String {
        var text = padded(value, digits)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }

    /// `YYYY-MM-DD?HH:MM:SS` of Unix seconds, by the proleptic Gregorian calendar (Howard
    /// Hinnant's days-to-civil algorithm, in 400-year eras).
    private static func dateTime(_ unixSeconds: Int64, separator: String) -> String {
        let (days, secondOfDay) = unixSeconds.floorDividedWithRemainder(by: 86_400)
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))\(separator)"
            + "\(padded(secondOfDay / 3_600, 2)):\(padded(secondOfDay / 60 % 60, 2)):\(padded(secondOfDay % 60, 2))"
    }

    private static func padded(_ number: Int64, _ width: Int) -> String {
        let digits = String(number.magnitude)
        let padded = String(repeating: "0", count: max(0, width - digits.count)) + digits
        return number < 0 ? "-" + padded : padded
    }
}

extension Int64 {
    /// Quotient rounded toward negative infinity, and the remainder that goes with it (never negative).
    func floorDividedWithRemainder(by divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let quotient = floorDivided(by: divisor)
        return (quotient, self - quotient * divisor)
    }
}
