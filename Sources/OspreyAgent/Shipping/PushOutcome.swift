import AsyncHTTPClient
import Foundation
import NIOHTTP1

/// How a server answered one push.
enum PushOutcome: Sendable, Equatable {
    /// 2xx: the server has the samples.
    case delivered
    /// The server refused the data itself (4xx other than 408 and 429): sending it again would
    /// fail again.
    case rejected(String)
    /// Try again later (a connection failure, 5xx, 408, 429), after `retryAfter` when the server said.
    case retry(String, retryAfter: Duration?)

    init(status: HTTPResponseStatus, headers: HTTPHeaders, body: String, now: Date = Date()) {
        let message = "HTTP \(status.code)" + (body.isEmpty ? "" : ": \(body.prefix(300))")
        switch status.code {
        case 200..<300:
            self = .delivered
        case 408, 429, 500..<600:
            self = .retry(message, retryAfter: headers.first(name: "Retry-After").flatMap { Self.retryAfter($0, now: now) })
        default:
            self = .rejected(message)
        }
    }

    /// `Retry-After` as seconds or as an HTTP date (RFC 9110 10.2.3).
    static func retryAfter(_ value: String, now: Date) -> Duration? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(trimmed), seconds >= 0 { return .seconds(seconds) }
        let format = DateFormatter()
        format.locale = Locale(identifier: "en_US_POSIX")
        format.timeZone = TimeZone(identifier: "GMT")
        format.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = format.date(from: trimmed) else { return nil }
        return .seconds(max(0, date.timeIntervalSince(now)))
    }
}
