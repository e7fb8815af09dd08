/// Arithmetic on times and durations that requests and files supply: a result beyond the 64-bit
/// range stops at its nearest end instead of trapping. A time that far out lies past every
/// sample, so a window that reaches it simply finds nothing, where Go's wrap-around (what
/// Prometheus does) would find nonsense and Swift's checked `+` would end the process.
extension Int64 {
    public func addingSaturated(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        guard overflow else { return sum }
        return other > 0 ? .max : .min
    }

    public func subtractingSaturated(_ other: Int64) -> Int64 {
        let (difference, overflow) = subtractingReportingOverflow(other)
        guard overflow else { return difference }
        return other < 0 ? .max : .min
    }

    public func multipliedSaturated(by other: Int64) -> Int64 {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        guard overflow else { return product }
        return (self < 0) == (other < 0) ? .max : .min
    }

    /// `other - self` in seconds (from milliseconds): `Double(other - self) / 1000` when the
    /// difference fits 64 bits, and computed in floating point when it does not, so that no pair
    /// of times can trap.
    public func seconds(until other: Int64) -> Double {
        let (difference, overflow) = other.subtractingReportingOverflow(self)
        return (overflow ? Double(other) - Double(self) : Double(difference)) / 1000
    }
}

extension Double {
    /// The whole milliseconds of a time or duration given in seconds, rounded half away from
    /// zero; nil when NaN, infinite, or beyond what 64 bits of milliseconds hold.
    public var roundedMilliseconds: Int64? {
        let milliseconds = (self * 1000).rounded()
        guard milliseconds >= -0x1p63, milliseconds < 0x1p63 else { return nil }
        return Int64(milliseconds)
    }
}
