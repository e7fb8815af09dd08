import Foundation

/// Float behaviour that PromQL inherits from Go, where Swift's differs.
enum GoFloat {
    /// Go's `math.Max`: NaN wins over anything but +Inf.
    static func max(_ x: Double, _ y: Double) -> Double {
        if x == .infinity || y == .infinity { return .infinity }
        if x.isNaN || y.isNaN { return .nan }
        if x == 0, y == 0 { return x.sign == .minus ? y : x }
        return x > y ? x : y
    }

    /// Go's `math.Min`: NaN wins over anything but -Inf.
    static func min(_ x: Double, _ y: Double) -> Double {
        if x == -.infinity || y == -.infinity { return -.infinity }
        if x.isNaN || y.isNaN { return .nan }
        if x == 0, y == 0 { return x.sign == .minus ? x : y }
        return x < y ? x : y
    }

    /// Go's `strconv.ParseFloat(s, 64)`, as Prometheus reads `le` and `quantile` labels.
    static func parse(_ text: String) -> Double? {
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
    static func kahanAdd(_ increment: Double, _ sum: inout Double, _ compensation: inout Double) {
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
    /// Go's `strconv.FormatFloat(v, 'f', -1, 64)`: the shortest decimal that reads back as the
    /// same value, never in exponent form. Prometheus writes sample values this way, and
    /// `count_values` uses it for its label values.
    public var prometheusString: String {
        if isNaN { return "NaN" }
        if self == .infinity { return "+Inf" }
        if self == -.infinity { return "-Inf" }
        let shortest = "\(self)"
        var mantissa = Substring(shortest)
        var exponent = 0
        if let e = shortest.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = shortest[..<e]
            exponent = Int(shortest[shortest.index(after: e)...].replacingOccurrences(of: "+", with: "")) ?? 0
        }
        let negative = mantissa.hasPrefix("-")
        if negative { mantissa = mantissa.dropFirst() }
        let integerDigits = mantissa.firstIndex(of: ".").map { mantissa.distance(from: mantissa.startIndex, to: $0) } ?? mantissa.count
        var digits = Array(mantissa.utf8.filter { $0 != UInt8(ascii: ".") })
        var point = integerDigits + exponent
        // Leading zeros ("0.001") carry no value; dropping them keeps the point arithmetic simple.
        while digits.count > 1, digits.first == UInt8(ascii: "0") {
            digits.removeFirst()
            point -= 1
        }
        while digits.count > 1, digits.last == UInt8(ascii: "0"), digits.count > point {
            digits.removeLast()
        }
        var text = negative ? "-" : ""
        if digits == [UInt8(ascii: "0")] {
            return text + "0"
        }
        if point <= 0 {
            text += "0." + String(repeating: "0", count: -point) + String(decoding: digits, as: UTF8.self)
        } else if point >= digits.count {
            text += String(decoding: digits, as: UTF8.self) + String(repeating: "0", count: point - digits.count)
        } else {
            text += String(decoding: digits[..<point], as: UTF8.self) + "." + String(decoding: digits[point...], as: UTF8.self)
        }
        return text
    }
}

extension Double {
    /// Go's `%v` of a float64, as Prometheus's error messages print numbers.
    var goVerbString: String {
        if isNaN { return "NaN" }
        if isInfinite { return self > 0 ? "+Inf" : "-Inf" }
        let magnitude = Swift.abs(self)
        if magnitude != 0, magnitude < 1e-4 || magnitude >= 1e21 {
            // Swift writes "1e-05"; Go writes "1e-05" too, and "1e+21" as Swift does.
            return "\(self)"
        }
        return prometheusString
    }
}
