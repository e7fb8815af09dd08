#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Number parsing straight from bytes, without making a `String` per value: the exposition
/// parser reads millions of these a second.
enum FloatText {
    private static let exactPowersOfTen: [Double] = (0...22).map { exponent in
        var power = 1.0
        for _ in 0..<exponent { power *= 10 }
        return power
    }

    /// Parses a Go-style float: decimal with optional fraction and exponent, or `NaN`, `Inf`,
    /// `+Inf`, `-Inf`, `Infinity` in any case. Nil when the bytes are not a number.
    @inline(__always)
    static func parseDouble(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
        var index = start
        guard index < end else { return nil }
        var negative = false
        if buffer[index] == UInt8(ascii: "-") || buffer[index] == UInt8(ascii: "+") {
            negative = buffer[index] == UInt8(ascii: "-")
            index += 1
            guard index < end else { return nil }
        }
        let first = buffer[index] | 0x20
        if first == UInt8(ascii: "n") || first == UInt8(ascii: "i") {
            return parseSpecial(buffer, start, index, end, negative: negative)
        }

        var mantissa: UInt64 = 0
        var significantDigits = 0
        var digitsSeen = 0
        var decimalExponent = 0
        var exact = true
        while index < end, buffer[index] &- UInt8(ascii: "0") < 10 {
            accumulate(buffer[index], &mantissa, &significantDigits, &decimalExponent, &exact, afterPoint: false)
            digitsSeen += 1
            index += 1
        }
        if index < end, buffer[index] == UInt8(ascii: ".") {
            index += 1
            while index < end, buffer[index] &- UInt8(ascii: "0") < 10 {
                accumulate(buffer[index], &mantissa, &significantDigits, &decimalExponent, &exact, afterPoint: true)
                digitsSeen += 1
                index += 1
            }
        }
        guard digitsSeen > 0 else { return nil }
        if index < end, buffer[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            var exponentNegative = false
            if index < end, buffer[index] == UInt8(ascii: "-") || buffer[index] == UInt8(ascii: "+") {
                exponentNegative = buffer[index] == UInt8(ascii: "-")
                index += 1
            }
            var exponent = 0
            var exponentDigits = 0
            while index < end, buffer[index] &- UInt8(ascii: "0") < 10 {
                if exponent < 100_000 { exponent = exponent * 10 + Int(buffer[index] &- UInt8(ascii: "0")) }
                exponentDigits += 1
                index += 1
            }
            guard exponentDigits > 0 else { return nil }
            decimalExponent += exponentNegative ? -exponent : exponent
        }
        guard index == end else { return nil }

        // Clinger's fast path: both the mantissa and the power of ten are exact doubles, so one
        // IEEE multiplication or division rounds correctly.
        if exact, mantissa <= 1 << 53, decimalExponent >= -22, decimalExponent <= 22 {
            var value = Double(mantissa)
            if decimalExponent >= 0 {
                value *= exactPowersOfTen[decimalExponent]
            } else {
                value /= exactPowersOfTen[-decimalExponent]
            }
            return negative ? -value : value
        }
        return parseWithLibc(buffer, start, end)
    }

    @inline(__always)
    private static func accumulate(
        _ byte: UInt8, _ mantissa: inout UInt64, _ significantDigits: inout Int,
        _ decimalExponent: inout Int, _ exact: inout Bool, afterPoint: Bool
    ) {
        let digit = UInt64(byte &- UInt8(ascii: "0"))
        if mantissa == 0 && digit == 0 {
            if afterPoint { decimalExponent -= 1 }
            return
        }
        if significantDigits < 19 {
            mantissa = mantissa * 10 + digit
            significantDigits += 1
            if afterPoint { decimalExponent -= 1 }
        } else {
            if digit != 0 { exact = false }
            if !afterPoint { decimalExponent += 1 }
        }
    }

    private static func parseSpecial(
        _ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ wordStart: Int, _ end: Int, negative: Bool
    ) -> Double? {
        let word = String(decoding: UnsafeBufferPointer(rebasing: buffer[wordStart..<end]), as: UTF8.self).lowercased()
        switch word {
        case "nan" where wordStart == start: return .nan
        case "inf", "infinity": return negative ? -.infinity : .infinity
        default: return nil
        }
    }

    /// Correct rounding for the rare values outside the fast path (19+ significant digits or
    /// exponents beyond ±22); the syntax was already checked above. A finite decimal too large
    /// for a double is nil, not an infinity: Go's `ParseFloat` reports it as out of range, so
    /// Prometheus rejects such a line rather than store an infinity nobody wrote.
    private static func parseWithLibc(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
        let length = end - start
        let value = withUnsafeTemporaryAllocation(of: CChar.self, capacity: length + 1) { text in
            for offset in 0..<length { text[offset] = CChar(bitPattern: buffer[start + offset]) }
            text[length] = 0
            return strtod(text.baseAddress!, nil)
        }
        return value.isInfinite ? nil : value
    }

    /// Parses seconds written as `[+-]digits[.digits]` into whole milliseconds, exactly, rounding
    /// half away from zero. Going through a double instead loses the last millisecond once
    /// timestamps pass 2^51 ms, so OpenMetrics text Osprey writes would not read back the same.
    /// Nil for other spellings (exponents, `NaN`, `Inf`) and beyond `Int64`.
    static func parseSecondsAsMilliseconds(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int64? {
        var index = start
        guard index < end else { return nil }
        let negative = buffer[index] == UInt8(ascii: "-")
        if negative || buffer[index] == UInt8(ascii: "+") { index += 1 }
        var seconds: UInt64 = 0
        var digits = 0
        while index < end, buffer[index] &- UInt8(ascii: "0") < 10 {
            let (product, overflow1) = seconds.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = product.addingReportingOverflow(UInt64(buffer[index] &- UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { return nil }
            seconds = sum
            digits += 1
            index += 1
        }
        var fraction: UInt64 = 0
        var roundUp = false
        if index < end, buffer[index] == UInt8(ascii: ".") {
            index += 1
            var fractionDigits = 0
            while index < end, buffer[index] &- UInt8(ascii: "0") < 10 {
                let digit = UInt64(buffer[index] &- UInt8(ascii: "0"))
                if fractionDigits < 3 {
                    fraction = fraction * 10 + digit
                } else if fractionDigits == 3 {
                    roundUp = digit >= 5
                }
                fractionDigits += 1
                digits += 1
                index += 1
            }
            for _ in min(fractionDigits, 3)..<3 { fraction *= 10 }
        }
        guard index == end, digits > 0 else { return nil }
        let (milliseconds, overflow1) = seconds.multipliedReportingOverflow(by: 1000)
        let (sum, overflow2) = milliseconds.addingReportingOverflow(fraction + (roundUp ? 1 : 0))
        guard !overflow1, !overflow2 else { return nil }
        if negative {
            guard sum <= UInt64(Int64.max) + 1 else { return nil }
            return sum == UInt64(Int64.max) + 1 ? Int64.min : -Int64(sum)
        }
        guard sum <= UInt64(Int64.max) else { return nil }
        return Int64(sum)
    }

    /// Parses a decimal integer with optional sign; nil on anything else or on overflow.
    @inline(__always)
    static func parseInt64(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int64? {
        var index = start
        guard index < end else { return nil }
        let negative = buffer[index] == UInt8(ascii: "-")
        if negative || buffer[index] == UInt8(ascii: "+") { index += 1 }
        guard index < end else { return nil }
        var magnitude: UInt64 = 0
        while index < end {
            let digit = buffer[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (product, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = product.addingReportingOverflow(UInt64(digit))
            guard !overflow1, !overflow2 else { return nil }
            magnitude = sum
            index += 1
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }
}
