import OspreyModel

/// Numbers as Prometheus reads and writes them, which is as Go's `strconv` and `fmt` do.
public enum GoNumber {
    /// Prometheus's number literal rule: an integer in Go syntax (`0x1f`, octal `0755`,
    /// decimal) if it is one, otherwise a float. The error text is Go's.
    public static func parse(_ text: String) -> Result<Double, NumberSyntaxError> {
        if let integer = parseInteger(text) {
            return .success(Double(integer))
        }
        return parseFloat(text)
    }

    public struct NumberSyntaxError: Error, Equatable {
        public var message: String
    }

    /// `strconv.ParseInt(text, 0, 64)` for the shapes the lexer lets through.
    private static func parseInteger(_ text: String) -> Int64? {
        var digits = Substring(text)
        var radix = 10
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") {
            radix = 16
            digits = digits.dropFirst(2)
        } else if digits.hasPrefix("0"), digits.count > 1 {
            radix = 8
            digits = digits.dropFirst()
        }
        guard let first = digits.utf8.first, first != UInt8(ascii: "+"), first != UInt8(ascii: "-") else {
            return nil
        }
        return Int64(digits, radix: radix)
    }

    /// `strconv.ParseFloat(text, 64)`. Go reads hexadecimal floats only with a `p` exponent,
    /// which the lexer never lets into a number, so hexadecimal that is no integer is an error.
    private static func parseFloat(_ text: String) -> Result<Double, NumberSyntaxError> {
        let lowercased = text.lowercased()
        if lowercased == "inf" || lowercased == "+inf" || lowercased == "infinity" { return .success(.infinity) }
        if lowercased == "nan" { return .success(.nan) }
        let quoted = GoQuote.promQLString(text)
        guard !lowercased.hasPrefix("0x"), let value = Double(text) else {
            return .failure(NumberSyntaxError(message: "strconv.ParseFloat: parsing \(quoted): invalid syntax"))
        }
        if value.isInfinite {
            return .failure(NumberSyntaxError(message: "strconv.ParseFloat: parsing \(quoted): value out of range"))
        }
        return .success(value)
    }

    /// `fmt.Sprint(value)`: the shortest digits that read back as `value`, in `%e` form when the
    /// decimal exponent is below -4 or at least 6 (Go's `%v`), else plainly.
    public static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        let sign = value.sign == .minus ? "-" : ""
        if value == 0 { return sign + "0" }
        let (digits, pointPosition) = shortestDigits(of: value.magnitude)
        let exponent = pointPosition - 1
        if exponent < -4 || exponent >= 6 {
            var text = sign + String(digits.prefix(1))
            if digits.count > 1 {
                text += "." + String(digits.dropFirst())
            }
            let exponentDigits = String(abs(exponent))
            text += (exponent < 0 ? "e-" : "e+") + (exponentDigits.count < 2 ? "0" : "") + exponentDigits
            return text
        }
        var text = sign
        if pointPosition > 0 {
            text += String(digits.prefix(pointPosition))
            text += String(repeating: "0", count: max(0, pointPosition - digits.count))
        } else {
            text += "0"
        }
        if digits.count > pointPosition {
            text += "."
            text += String(repeating: "0", count: max(0, -pointPosition))
            text += String(digits.dropFirst(max(0, pointPosition)))
        }
        return text
    }

    /// The shortest round-trip digits of a positive finite value, without leading or trailing
    /// zeros, and where the decimal point goes: value = 0.<digits> × 10^pointPosition. Swift's
    /// `description` already finds the shortest digits (closest to the value on ties, as Go).
    private static func shortestDigits(of value: Double) -> (digits: [Character], pointPosition: Int) {
        let text = value.description
        let parts = text.split(separator: "e", maxSplits: 1)
        let exponent = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        let mantissa = parts[0]
        let integerLength =
            mantissa.firstIndex(of: ".").map { mantissa.distance(from: mantissa.startIndex, to: $0) }
            ?? mantissa.count
        var digits = Array(mantissa.filter { $0 != "." })
        var pointPosition = integerLength + exponent
        while digits.first == "0" {
            digits.removeFirst()
            pointPosition -= 1
        }
        while digits.last == "0" {
            digits.removeLast()
        }
        return (digits, pointPosition)
    }

    /// Go's `%.3f` of `milliseconds / 1000.0`, the seconds of an `@` timestamp. Rounds the exact
    /// binary value half to even, as Go does, so large timestamps print the same digits.
    public static func seconds(milliseconds: Int64) -> String {
        let seconds = Double(milliseconds) / 1000
        let magnitude = seconds.magnitude
        var thousandths: UInt64 = 0
        if magnitude != 0 {
            let significand = magnitude.significandBitPattern | (1 << UInt64(Double.significandBitCount))
            let shift = Int(magnitude.exponent) - Double.significandBitCount
            if shift >= 0 {
                thousandths = (significand << UInt64(shift)) * 1000
            } else if -shift < 64 {
                // significand < 2^53 and 1000 < 2^10, so the product fits.
                let scaled = significand * 1000
                let dropped = UInt64(-shift)
                var quotient = scaled >> dropped
                let remainder = scaled & ((1 << dropped) - 1)
                let half: UInt64 = 1 << (dropped - 1)
                if remainder > half || (remainder == half && quotient % 2 == 1) {
                    quotient += 1
                }
                thousandths = quotient
            }
        }
        let fraction = String(thousandths % 1000)
        return (seconds < 0 ? "-" : "") + String(thousandths / 1000) + "."
            + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    /// Go's `%f` for a timestamp that does not fit: infinite, NaN, or a value beyond the 64-bit
    /// range. Such values are integral, so all their digits print, then six zeros.
    public static func fixedSixDecimals(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        let sign = value < 0 ? "-" : ""
        let magnitude = value.magnitude.rounded(.towardZero)
        if magnitude < 0x1p63 {
            return sign + String(UInt64(magnitude)) + ".000000"
        }
        // Integral: significand × 2^shift, multiplied out in decimal digits (least significant first).
        let significand = magnitude.significandBitPattern | (1 << UInt64(Double.significandBitCount))
        let shift = Int(magnitude.exponent) - Double.significandBitCount
        var digits = String(significand).utf8.reversed().map { Int($0 - UInt8(ascii: "0")) }
        for _ in 0..<max(0, shift) {
            var carry = 0
            for index in digits.indices {
                let doubled = digits[index] * 2 + carry
                digits[index] = doubled % 10
                carry = doubled / 10
            }
            if carry > 0 { digits.append(carry) }
        }
        return sign + String(digits.reversed().map { Character(String($0)) }) + ".000000"
    }
}
