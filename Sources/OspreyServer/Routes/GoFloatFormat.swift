import NIOCore

/// Go's `strconv.FormatFloat(v, 'f', -1, 64)`, the form Prometheus's API gives sample values
/// in: the shortest digits that read back as the same double, written out in full without an
/// exponent (`1e300` is a 1 and 300 zeros), and `NaN`, `+Inf`, `-Inf`, `-0`.
enum GoFloatFormat {
    static func fixed(_ value: Double) -> String {
        var buffer = ByteBufferAllocator().buffer(capacity: 24)
        appendFixed(value, to: &buffer)
        return String(buffer: buffer)
    }

    static func appendFixed(_ value: Double, to buffer: inout ByteBuffer) {
        if value.isNaN {
            buffer.writeStaticString("NaN")
            return
        }
        if value.isInfinite {
            buffer.writeStaticString(value < 0 ? "-Inf" : "+Inf")
            return
        }
        if value.sign == .minus { buffer.writeInteger(UInt8(ascii: "-")) }
        let magnitude = value.magnitude
        // Most samples are counters and gauges of whole numbers: print those without Swift's
        // shortest-digits search. Below 2^53 every integer is exact.
        if magnitude < 9_007_199_254_740_992, magnitude.rounded(.towardZero) == magnitude {
            buffer.writeString(String(UInt64(magnitude)))
            return
        }
        // Swift's `description` gives the same shortest round-trip digits as Go; only the layout
        // differs (Swift switches to an exponent for large and small numbers), so re-lay them.
        let (digits, point) = shortestDigits(magnitude.description)
        if digits.isEmpty {
            buffer.writeInteger(UInt8(ascii: "0"))
        } else if point <= 0 {
            buffer.writeStaticString("0.")
            buffer.writeRepeatingByte(UInt8(ascii: "0"), count: -point)
            buffer.writeBytes(digits)
        } else if point >= digits.count {
            buffer.writeBytes(digits)
            buffer.writeRepeatingByte(UInt8(ascii: "0"), count: point - digits.count)
        } else {
            buffer.writeBytes(digits[..<point])
            buffer.writeInteger(UInt8(ascii: "."))
            buffer.writeBytes(digits[point...])
        }
    }

    /// The significant digits of a non-negative decimal (`1.25e-7`, `0.001`, `120.0`) without
    /// leading or trailing zeros, and where the decimal point falls among them: the value is
    /// `0.digits × 10^point`.
    static func shortestDigits(_ text: String) -> (digits: [UInt8], point: Int) {
        let utf8 = Array(text.utf8)
        let exponentAt = utf8.firstIndex { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
        let mantissa = utf8[..<(exponentAt ?? utf8.endIndex)]
        let exponent = exponentAt.flatMap { Int(String(decoding: utf8[($0 + 1)...], as: UTF8.self)) } ?? 0
        let pointAt = mantissa.firstIndex(of: UInt8(ascii: ".")) ?? mantissa.endIndex
        var digits = Array(mantissa[..<pointAt]) + Array(mantissa[pointAt...].dropFirst())
        var point = (pointAt - mantissa.startIndex) + exponent
        let leadingZeros = digits.prefix { $0 == UInt8(ascii: "0") }.count
        digits.removeFirst(leadingZeros)
        point -= leadingZeros
        while digits.last == UInt8(ascii: "0") { digits.removeLast() }
        return (digits, point)
    }
}
