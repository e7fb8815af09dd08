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

/// The calendar functions, computed as Prometheus computes them: Go's `int64(v)` (which on
/// amd64 turns NaN, ±Inf and out-of-range values into the smallest int64) and `time.Unix(…).UTC()`
/// with Go's own calendar arithmetic, wrap-arounds included, so even odd inputs agree.
enum DateParts {
    private static let secondsPerDay: UInt64 = 86_400
    private static let daysPer400Years: UInt64 = 365 * 400 + 97
    private static let daysPer100Years: UInt64 = 365 * 100 + 24
    private static let daysPer4Years: UInt64 = 365 * 4 + 1
    private static let absoluteZeroYear: Int64 = -292_277_022_399
    /// Go's `unixToInternal + internalToAbsolute`.
    private static let unixToAbsolute: Int64 = 9_223_372_028_715_321_600
    private static let daysBefore: [Int] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365]

    static func value(_ part: String, ofUnixSeconds seconds: Double) -> Double? {
        let whole = seconds >= -9.223372036854775808e18 && seconds < 9.223372036854775808e18 ? Int64(seconds) : .min
        let absolute = UInt64(bitPattern: whole &+ unixToAbsolute)
        switch part {
        case "hour": return Double(absolute % secondsPerDay / 3600)
        case "minute": return Double(absolute % 3600 / 60)
        case "day_of_week":
            // The absolute epoch's January 1 was a Monday.
            return Double((absolute &+ secondsPerDay) % (7 * secondsPerDay) / secondsPerDay)
        default: break
        }
        let (year, dayOfYear) = yearAndDay(absolute)
        let (month, day) = monthAndDay(dayOfYear, leap: isLeap(year))
        switch part {
        case "year": return Double(year)
        case "month": return Double(month)
        case "day_of_month": return Double(day)
        case "day_of_year": return Double(dayOfYear + 1)
        case "days_in_month":
            return Double(month == 2 ? (isLeap(year) ? 29 : 28) : daysBefore[month] - daysBefore[month - 1])
        default: return nil
        }
    }

    private static func isLeap(_ year: Int64) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    /// Go's `absDate`: the year and the zero-based day within it.
    private static func yearAndDay(_ absolute: UInt64) -> (Int64, Int) {
        var days = absolute / secondsPerDay
        var n = days / daysPer400Years
        var year = 400 * n
        days -= daysPer400Years * n
        n = days / daysPer100Years
        n -= n >> 2
        year += 100 * n
        days -= daysPer100Years * n
        n = days / daysPer4Years
        year += 4 * n
        days -= daysPer4Years * n
        n = days / 365
        n -= n >> 2
        year += n
        days -= 365 * n
        return (Int64(bitPattern: year) &+ absoluteZeroYear, Int(days))
    }

    /// The month (1-12) and day of month of a zero-based day of the year.
    private static func monthAndDay(_ dayOfYear: Int, leap: Bool) -> (Int, Int) {
        var day = dayOfYear
        if leap {
            if day == 31 + 29 - 1 { return (2, 29) }
            if day > 31 + 29 - 1 { day -= 1 }
        }
        var month = day / 31
        let end = daysBefore[month + 1]
        let begin: Int
        if day >= end {
            month += 1
            begin = end
        } else {
            begin = daysBefore[month]
        }
        return (month + 1, day - begin + 1)
    }
}
