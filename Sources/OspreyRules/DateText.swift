import Foundation
import OspreyModel

extension Date {
    /// Go's `RFC3339Nano` in UTC (microseconds at most: a `Date` holds no finer digits that are
    /// not noise), as Prometheus's API and Alertmanager's webhooks write times.
    public var rfc3339Nano: String { GoTime.rfc3339Nano(microseconds: unixMicroseconds) }

    /// RFC 3339 with milliseconds in UTC, as Alertmanager's API v2 writes times.
    public var rfc3339Millis: String { GoTime.rfc3339Millis(microseconds: unixMicroseconds) }

    private var unixMicroseconds: Int64 { Int64((timeIntervalSince1970 * 1_000_000).rounded()) }
}
