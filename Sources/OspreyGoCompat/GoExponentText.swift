extension Double {
    /// Go's `strconv.FormatFloat(v, 'e', -1, 64)`: the shortest digits that read back as the
    /// same double, as `d.ddde±XX` (`1e+00`, `1.2345e+02`, `5e-324`); `NaN`, `+Inf`, `-Inf`.
    /// Prometheus's API writes alert values so.
    public var goExponentString: String {
        if isNaN { return "NaN" }
        if isInfinite { return self < 0 ? "-Inf" : "+Inf" }
        if self == 0 { return sign == .minus ? "-0e+00" : "0e+00" }
        // Swift's description holds the shortest round-tripping digits, in fixed or exponent form.
        let text = "\(magnitude)"
        let parts = text.split(separator: "e", maxSplits: 1)
        var exponent = parts.count == 2 ? Int(parts[1]) ?? 0 : 0
        let mantissa = parts[0]
        let integerPart = mantissa.prefix { $0 != "." }
        let fractionPart = mantissa.drop { $0 != "." }.dropFirst()
        var digits = Array(integerPart + fractionPart)
        exponent += integerPart.count - 1
        while digits.first == "0" {
            digits.removeFirst()
            exponent -= 1
        }
        while digits.count > 1, digits.last == "0" { digits.removeLast() }
        var result = sign == .minus ? "-" : ""
        result.append(digits[0])
        if digits.count > 1 {
            result += "." + String(digits[1...])
        }
        result += exponent < 0 ? "e-" : "e+"
        let magnitude = Swift.abs(exponent)
        result += magnitude < 10 ? "0\(magnitude)" : "\(magnitude)"
        return result
    }
}
