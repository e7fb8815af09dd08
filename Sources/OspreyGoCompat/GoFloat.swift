import Foundation
import OspreyModel

/// Float behaviour that PromQL inherits from Go, where Swift's differs.
public enum GoFloat {
    /// Go's `math.Max`: NaN wins over anything but +Inf.
    public static func max(_ x: Double, _ y: Double) -> Double {
        if x == .infinity || y == .infinity { return .infinity }
        if x.isNaN || y.isNaN { return .nan }
        if x == 0, y == 0 { return x.sign == .minus ? y : x }
        return x > y ? x : y
    }

    /// Go's `math.Min`: NaN wins over anything but -Inf.
    public static func min(_ x: Double, _ y: Double) -> Double {
        if x == -.infinity || y == -.infinity { return -.infinity }
        if x.isNaN || y.isNaN { return .nan }
        if x == 0, y == 0 { return x.sign == .minus ? x : y }
        return x < y ? x : y
    }

    /// Go's `strconv.ParseFloat(s, 64)`, as Prometheus reads `le` and `quantile` labels.
    public static func parse(_ text: String) -> Double? {
        switch text.lowercased() {
        case "+inf", "inf", "+infinity", "infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        case "nan": return .nan
        default: break
        }
        guard let first = text.utf8.first, first != UInt8(ascii: " "), text.utf8.last != UInt8(ascii: " ") else { return nil }
        return Double(text)
    }

    /// Neumaier-compensated addition, Prometheus's `kahanSumInc`.
    @inline(__always)
    public static func kahanAdd(_ increment: Double, _ sum: inout Double, _ compensation: inout Double) {
        let total = sum + increment
        if Swift.abs(sum) >= Swift.abs(increment) {
            compensation += (sum - total) + increment
        } else {
            compensation += (increment - total) + sum
        }
        sum = total
    }
}

extension Double {
    /// Go's `%v` of a float64, as Prometheus's error messages print numbers.
    public var goVerbString: String {
        if isNaN { return "NaN" }
        if isInfinite { return self > 0 ? "+Inf" : "-Inf" }
        let magnitude = Swift.abs(self)
        if magnitude != 0, magnitude < 1e-4 || magnitude >= 1e21 {
            // Swift writes "1e-05"; Go writes "1e-05" too, and "1e+21" as Swift does.
            return "\(self)"
        }
        return goFixedString
    }
}
