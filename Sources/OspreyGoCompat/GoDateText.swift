import Foundation
import OspreyModel

extension Date {
    /// Go's `RFC3339Nano` in UTC (microseconds at most: a `Date` holds no finer digits that are
    /// not noise), as Prometheus's API and Alertmanager's webhooks write times.
    public var rfc3339Nano: String { GoTime.rfc3339Nano(microseconds: unixMicroseconds) }

    /// RFC 3339 with milliseconds in UTC, as Alertmanager's API v2 writes times.
    public var rfc3339Millis: String { GoTime.rfc3339Millis(microseconds: unixMicroseconds) }

    /// Beyond 292,000 years from 1970 the microseconds do not fit; such a date prints as the
    /// nearest that does rather than trap.
    private var unixMicroseconds: Int64 {
        let microseconds = (timeIntervalSince1970 * 1_000_000).rounded()
        guard microseconds < 0x1p63 else { return .max }
        return microseconds >= -0x1p63 ? Int64(microseconds) : .min
    }
}
