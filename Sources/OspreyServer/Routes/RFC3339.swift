import Foundation

extension Date {
    /// RFC 3339 with fractional seconds in UTC, as Prometheus's and Alertmanager's APIs write times.
    var rfc3339: String {
        formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }
}
