import OspreyModel

/// Times and durations in API parameters, read as Prometheus's `parseTime` and `parseDuration`
/// read them, with the same words when they cannot be.
enum APITime {
    /// What `start` and `end` mean when absent: Prometheus's `MinTime` and `MaxTime`, the widest
    /// span whose bounds still print as RFC 3339.
    static let minTime: Timestamp = (Int64.min / 1000 + 62_135_596_801) * 1000
    static let maxTime: Timestamp = (Int64.max / 1000 - 62_135_596_801) * 1000 + 999

    /// The text of `minTime` and `maxTime` as clients send them back (Go's client library does).
    private static let minTimeText = "-292273086-05-16T16:47:06Z"
    private static let maxTimeText = "292277025-08-18T07:12:54.999999999Z"

    /// A parameter that is not a time or not a duration; `description` is Prometheus's text.
    struct Unreadable: Error, CustomStringConvertible {
        var description: String
    }

    /// Unix seconds as a float (`1700000000.123`, `1e9`), rounded to milliseconds as Prometheus
    /// rounds them, or RFC 3339 with optional fraction and `Z` or an offset.
    static func timestamp(_ text: String) throws(Unreadable) -> Timestamp {
        if let seconds = Double(text) {
            // Go's ParseFloat takes "NaN" and "Inf" and overflows silently into nonsense; a
            // time that is not one is refused instead.
            guard seconds.isFinite, seconds.magnitude < 9.2e15 else { throw cannotParse(text, as: "timestamp") }
            let whole = seconds.rounded(.towardZero)
            let fraction = ((seconds - whole) * 1000).rounded() / 1000
            // As Go's time.Unix(s, ns) then timestamp.FromTime: nanoseconds truncated, then floored to ms.
            let nanoseconds = Int64(fraction * 1e9)
            return Int64(whole) * 1000 + nanoseconds.floorDivided(by: 1_000_000)
        }
        if let time = RFC3339.milliseconds(text) { return time }
        if text == minTimeText { return minTime }
        if text == maxTimeText { return maxTime }
        throw cannotParse(text, as: "timestamp")
    }

    /// Float seconds (`15`, `0.5`) or a Prometheus duration (`15s`, `1h30m`), in milliseconds,
    /// the resolution of every time in Osprey. Negative floats pass: callers judge the sign.
    static func duration(_ text: String) throws(Unreadable) -> Int64 {
        // Swift reads an out-of-range number as infinity where Go's ParseFloat fails on it.
        if let seconds = Double(text), seconds.isFinite || !text.contains(where: \.isNumber) {
            // Go turns NaN seconds into a zero duration.
            guard !seconds.isNaN else { return 0 }
            let milliseconds = (seconds * 1000).rounded(.towardZero)
            guard milliseconds.isFinite, milliseconds.magnitude < 9.2e18 else {
                throw Unreadable(description: "cannot parse \"\(text)\" to a valid duration. It overflows int64")
            }
            return Int64(milliseconds)
        }
        if let duration = try? Duration(prometheus: text) { return duration.milliseconds }
        throw cannotParse(text, as: "duration")
    }

    private static func cannotParse(_ text: String, as kind: String) -> Unreadable {
        Unreadable(description: "cannot parse \"\(text)\" to a valid \(kind)")
    }

}

/// `2006-01-02T15:04:05.999999999Z07:00`, Go's `time.RFC3339Nano` as `time.Parse` reads it:
/// a fraction of any length, `Z` or `±hh:mm`.
enum RFC3339 {
    /// Milliseconds since the epoch, the fraction truncated; nil when the text is not RFC 3339.
    static func milliseconds(_ text: String) -> Timestamp? {
        var reader = Reader(bytes: Array(text.utf8))
        guard let year = reader.digits(4), reader.skip("-"),
            let month = reader.digits(2), reader.skip("-"),
            let day = reader.digits(2), reader.skip("T"),
            let hour = reader.digits(2), reader.skip(":"),
            let minute = reader.digits(2), reader.skip(":"),
            let second = reader.digits(2)
        else { return nil }
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day), hour < 24, minute < 60,
            second < 60
        else { return nil }
        var milliseconds: Int64 = 0
        if reader.skip(".") || reader.skip(",") {
            var scale: Int64 = 100
            var count = 0
            while let digit = reader.digit() {
                milliseconds += Int64(digit) * scale
                scale /= 10
                count += 1
            }
            guard count > 0 else { return nil }
        }
        var offsetSeconds: Int64 = 0
        if reader.skip("Z") {
        } else if let sign = reader.sign(), let offsetHour = reader.digits(2), reader.skip(":"),
            let offsetMinute = reader.digits(2), offsetHour < 24, offsetMinute < 60
        {
            offsetSeconds = sign * Int64(offsetHour * 3600 + offsetMinute * 60)
        } else {
            return nil
        }
        guard reader.atEnd else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second) - offsetSeconds
        return seconds * 1000 + milliseconds
    }

    private static func isLeap(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let monthIndex = Int64(month > 2 ? month - 3 : month + 9)
        let dayOfYear = (153 * monthIndex + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        var atEnd: Bool { index == bytes.count }

        mutating func skip(_ character: Unicode.Scalar) -> Bool {
            guard index < bytes.count, bytes[index] == UInt8(ascii: character) else { return false }
            index += 1
            return true
        }

        mutating func digit() -> Int? {
            guard index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) else { return nil }
            defer { index += 1 }
            return Int(bytes[index] - UInt8(ascii: "0"))
        }

        mutating func digits(_ count: Int) -> Int? {
            var value = 0
            for _ in 0..<count {
                guard let digit = digit() else { return nil }
                value = value * 10 + digit
            }
            return value
        }

        mutating func sign() -> Int64? {
            if skip("+") { return 1 }
            if skip("-") { return -1 }
            return nil
        }
    }
}
