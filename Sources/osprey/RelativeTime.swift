import Foundation
import OspreyModel

/// Times on the command line: `now`, `now-1h`, `now+5m`, Unix seconds, or RFC 3339. Relative
/// ones are resolved here, into Unix seconds; the rest go to the server as written, which reads
/// them as Prometheus does and names the parameter when it cannot.
enum RelativeTime {
    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    /// The time as an API parameter.
    static func parameter(_ text: String, now: Date = Date()) throws(Invalid) -> String {
        guard text.hasPrefix("now") else { return text }
        return seconds(try milliseconds(text, now: now))
    }

    /// Milliseconds since the epoch, for times that must be known here (to pick a step).
    static func milliseconds(_ text: String, now: Date = Date()) throws(Invalid) -> Int64 {
        let nowMilliseconds = Int64((now.timeIntervalSince1970 * 1000).rounded())
        if text == "now" { return nowMilliseconds }
        if text.hasPrefix("now") {
            let rest = text.dropFirst(3)
            guard let sign = rest.first, sign == "-" || sign == "+",
                let offset = try? Duration(prometheus: rest.dropFirst())
            else { throw Invalid(description: "\"\(text)\" is not now, now-DURATION or now+DURATION (e.g. now-1h)") }
            // Durations end at 292 years, far inside 64-bit milliseconds either way from now.
            return nowMilliseconds + (sign == "-" ? -offset.milliseconds : offset.milliseconds)
        }
        if let seconds = Double(text), seconds.isFinite {
            guard let milliseconds = seconds.roundedMilliseconds else {
                throw Invalid(description: "\"\(text)\" is out of range: Unix seconds within ±9.2e15")
            }
            return milliseconds
        }
        let formatter = ISO8601DateFormatter()
        for options: ISO8601DateFormatter.Options in [[.withInternetDateTime, .withFractionalSeconds], [.withInternetDateTime]] {
            formatter.formatOptions = options
            if let date = formatter.date(from: text) { return Int64((date.timeIntervalSince1970 * 1000).rounded()) }
        }
        throw Invalid(description: "\"\(text)\" is not a time: use RFC 3339, Unix seconds or now-DURATION")
    }

    /// `1700000000.5` for 1700000000500 ms.
    static func seconds(_ milliseconds: Int64) -> String {
        let whole = milliseconds / 1000
        let fraction = milliseconds % 1000
        if fraction == 0 { return String(whole) }
        let sign = milliseconds < 0 && whole == 0 ? "-" : ""
        var digits = String(abs(fraction))
        while digits.count < 3 { digits = "0" + digits }
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(sign)\(whole).\(digits)"
    }
}
