/// Milliseconds since the Unix epoch, Prometheus's unit of time for samples.
public typealias Timestamp = Int64

extension Int64 {
    /// Division rounding toward negative infinity, as aligning times before 1970 needs (Swift's
    /// `/` rounds toward zero).
    public func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}

/// One value of a series at one instant.
public struct Sample: Hashable, Sendable {
    public var timestamp: Timestamp
    public var value: Double

    public init(timestamp: Timestamp, value: Double) {
        self.timestamp = timestamp
        self.value = value
    }

    /// Compares values bit for bit, so that NaNs (the staleness marker among them) compare equal
    /// to themselves.
    public static func == (lhs: Sample, rhs: Sample) -> Bool {
        lhs.timestamp == rhs.timestamp && lhs.value.bitPattern == rhs.value.bitPattern
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(timestamp)
        hasher.combine(value.bitPattern)
    }
}

/// What kind of metric a family is, in the words of the exposition formats.
public enum MetricType: String, Sendable, CaseIterable {
    case counter, gauge, histogram, gaugehistogram, summary, info, stateset, unknown
    /// The text format's word for `unknown`.
    public static let untypedName = "untyped"
}

extension Double {
    /// Prometheus's staleness marker: a NaN with a payload of its own, written when a series
    /// ends so that queries stop returning its last value.
    public static let staleMarker = Double(bitPattern: 0x7FF0_0000_0000_0002)

    /// Whether this is the staleness marker (and not any other NaN).
    public var isStaleMarker: Bool { bitPattern == Double.staleMarker.bitPattern }
}
