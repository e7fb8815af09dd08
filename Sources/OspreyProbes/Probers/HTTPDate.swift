/// HTTP dates as Go's `http.ParseTime` reads them (for blackbox's
/// `probe_http_last_modified_timestamp_seconds`): RFC 1123 with `GMT`
/// (`Sun, 06 Nov 1994 08:49:37 GMT`), RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) and C's
/// asctime (`Sun Nov  6 08:49:37 1994`), in UTC. Names are matched without regard to case and
/// the weekday is not checked against the date, as Go's `time.Parse` does; fields out of range
/// (a 31st of April, a 24th hour) make the text unreadable.
enum HTTPDate {
    static func unixSeconds(_ text: String) -> Int64? {
        rfc1123(text) ?? rfc850(text) ?? asctime(text)
    }

    private static let shortDays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    private static let longDays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    private static func rfc1123(_ text: String) -> Int64? {
        var scan = Scan(text)
        guard scan.name(shortDays) != nil, scan.literal(", "), let day = scan.number(digits: 2...2), scan.literal(" "),
            let month = scan.name(months), scan.literal(" "), let year = scan.number(digits: 4...4), scan.literal(" "),
            let time = scan.clock(), scan.literal(" GMT"), scan.atEnd
        else { return nil }
        return seconds(year: year, month: month + 1, day: day, time)
    }

    private static func rfc850(_ text: String) -> Int64? {
        var scan = Scan(text)
        guard scan.name(longDays) != nil, scan.literal(", "), let day = scan.number(digits: 2...2), scan.literal("-"),
            let month = scan.name(months), scan.literal("-"), let shortYear = scan.number(digits: 2...2), scan.literal(" "),
            let time = scan.clock(), scan.literal(" "), scan.zoneName(), scan.atEnd
        else { return nil }
        // Go's rule for two-digit years: 69 and later are 19xx.
        let year = shortYear >= 69 ? 1900 + shortYear : 2000 + shortYear
        return seconds(year: year, month: month + 1, day: day, time)
    }

    private static func asctime(_ text: String) -> Int64? {
        var scan = Scan(text)
        guard scan.name(shortDays) != nil, scan.literal(" "), let month = scan.name(months), scan.literal(" ") else { return nil }
        _ = scan.literal(" ")
        guard let day = scan.number(digits: 1...2), scan.literal(" "), let time = scan.clock(), scan.literal(" "),
            let year = scan.number(digits: 4...4), scan.atEnd
        else { return nil }
        return seconds(year: year, month: month + 1, day: day, time)
    }

    private static func seconds(year: Int, month: Int, day: Int, _ time: (hour: Int, minute: Int, second: Int)) -> Int64? {
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...lengths[month - 1]).contains(day), time.hour < 24, time.minute < 60, time.second < 60 else { return nil }
        // Days from 1970-01-01 by the proleptic Gregorian calendar (Howard Hinnant's days-from-civil).
        let shiftedYear = Int64(month <= 2 ? year - 1 : year)
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = Int64((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1)
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return days * 86_400 + Int64(time.hour * 3600 + time.minute * 60 + time.second)
    }

    /// Reads the text left to right, one field at a time.
    private struct Scan {
        private let bytes: [UInt8]
        private var position = 0

        init(_ text: String) { bytes = Array(text.utf8) }

        var atEnd: Bool { position == bytes.count }

        mutating func literal(_ expected: String) -> Bool {
            let wanted = Array(expected.utf8)
            guard bytes.count - position >= wanted.count, Array(bytes[position..<position + wanted.count]) == wanted else {
                return false
            }
            position += wanted.count
            return true
        }

        /// The index of the name (given in lower case) the text goes on with, ignoring case.
        mutating func name(_ names: [String]) -> Int? {
            for (index, name) in names.enumerated() {
                let wanted = Array(name.utf8)
                guard bytes.count - position >= wanted.count else { continue }
                let lowered = bytes[position..<position + wanted.count].map { (65...90).contains($0) ? $0 + 32 : $0 }
                if lowered == wanted {
                    position += wanted.count
                    return index
                }
            }
            return nil
        }

        mutating func number(digits: ClosedRange<Int>) -> Int? {
            var value = 0
            var count = 0
            while position < bytes.count, count < digits.upperBound, (48...57).contains(bytes[position]) {
                value = value * 10 + Int(bytes[position] - 48)
                position += 1
                count += 1
            }
            return digits.contains(count) ? value : nil
        }

        /// `15:04:05`: Go reads the hour as one or two digits, minutes and seconds as two.
        mutating func clock() -> (hour: Int, minute: Int, second: Int)? {
            guard let hour = number(digits: 1...2), literal(":"), let minute = number(digits: 2...2), literal(":"),
                let second = number(digits: 2...2)
            else { return nil }
            return (hour, minute, second)
        }

        /// A zone abbreviation such as `GMT` or `UTC`; Go reads an unknown one as UTC.
        mutating func zoneName() -> Bool {
            let start = position
            while position < bytes.count, (65...90).contains(bytes[position]) { position += 1 }
            return position - start >= 3
        }
    }
}
