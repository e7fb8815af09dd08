import Foundation

/// The functions that map each value on its own.
enum MathFunctions {
    static let table: [String: @Sendable (Double) -> Double] = [
        "abs": { Swift.abs($0) },
        "ceil": { $0.rounded(.up) },
        "floor": { $0.rounded(.down) },
        "exp": { Foundation.exp($0) },
        "sqrt": { $0.squareRoot() },
        "ln": { Foundation.log($0) },
        "log2": { Foundation.log2($0) },
        "log10": { Foundation.log10($0) },
        "sin": { Foundation.sin($0) },
        "cos": { Foundation.cos($0) },
        "tan": { Foundation.tan($0) },
        "asin": { Foundation.asin($0) },
        "acos": { Foundation.acos($0) },
        "atan": { Foundation.atan($0) },
        "sinh": { Foundation.sinh($0) },
        "cosh": { Foundation.cosh($0) },
        "tanh": { Foundation.tanh($0) },
        "asinh": { Foundation.asinh($0) },
        "acosh": { Foundation.acosh($0) },
        "atanh": { Foundation.atanh($0) },
        "deg": { $0 * 180 / Double.pi },
        "rad": { $0 * Double.pi / 180 },
        "sgn": { $0 < 0 ? -1 : ($0 > 0 ? 1 : $0) },
    ]
}

/// The calendar functions, in UTC as Prometheus computes them.
enum DateParts {
    static func value(_ part: String, ofUnixSeconds seconds: Double) -> Double? {
        guard seconds.isFinite, Swift.abs(seconds) < 1e15 else { return nil }
        let whole = Int64(seconds.rounded(.towardZero))
        let days = floorDivide(whole, 86_400)
        let secondOfDay = whole - days * 86_400
        let (year, month, day) = civil(fromDays: days)
        switch part {
        case "year": return Double(year)
        case "month": return Double(month)
        case "day_of_month": return Double(day)
        case "day_of_week": return Double(((days % 7) + 11) % 7)
        case "day_of_year":
            return Double(days - daysFromCivil(year: year, month: 1, day: 1) + 1)
        case "days_in_month":
            let next = month == 12 ? daysFromCivil(year: year + 1, month: 1, day: 1) : daysFromCivil(year: year, month: month + 1, day: 1)
            return Double(next - daysFromCivil(year: year, month: month, day: 1))
        case "hour": return Double(secondOfDay / 3600)
        case "minute": return Double(secondOfDay % 3600 / 60)
        default: return nil
        }
    }

    /// Howard Hinnant's days-to-civil conversion, exact over the proleptic Gregorian calendar.
    static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = floorDivide(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPrime = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthPrime + 2) / 5 + 1
        let month = monthPrime < 10 ? monthPrime + 3 : monthPrime - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = floorDivide(y, 400)
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
