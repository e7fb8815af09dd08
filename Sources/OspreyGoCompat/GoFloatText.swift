extension Double {
    /// Go's `strconv.FormatFloat(v, 'f', -1, 64)`: the shortest digits that read back as the same
    /// double, laid out without an exponent (`1e300` is a 1 and 300 zeros), and `NaN`, `+Inf`,
    /// `-Inf`. Prometheus's API writes sample values so, and `count_values` labels with them.
    public var goFixedString: String {
        withGoFixedBytes { String(decoding: $0, as: UTF8.self) }
    }

    /// The most bytes `writeGoFixed` writes: `-0.` with 323 zeros and 17 digits, or 309 integer digits.
    public static let goFixedMaxLength = 352

    /// The bytes of `goFixedString`, without building a String (a query answer writes millions).
    public func withGoFixedBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.goFixedMaxLength) { output in
            let count = writeGoFixed(into: output)
            return try body(UnsafeBufferPointer(rebasing: output[..<count]))
        }
    }

    /// Writes the bytes of `goFixedString` at the start of `output`, which has room for
    /// `goFixedMaxLength`; returns how many it wrote.
    public func writeGoFixed(into output: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var writer = FixedWriter(output: output)
        writeGoFixed(&writer)
        return writer.count
    }

    /// Bytes written one after another into a buffer known to be large enough.
    private struct FixedWriter {
        let output: UnsafeMutableBufferPointer<UInt8>
        var count = 0

        @inline(__always)
        mutating func put(_ byte: UInt8) {
            output[count] = byte
            count &+= 1
        }

        @inline(__always)
        mutating func put(_ text: StaticString) {
            text.withUTF8Buffer { for byte in $0 { put(byte) } }
        }
    }

    private func writeGoFixed(_ writer: inout FixedWriter) {
        if isNaN {
            writer.put("NaN")
            return
        }
        if isInfinite {
            writer.put(self < 0 ? "-Inf" : "+Inf")
            return
        }
        if sign == .minus { writer.put(UInt8(ascii: "-")) }
        let magnitude = self.magnitude
        // Counters and most gauges are whole numbers: below 2^53 each is exact, so its digits
        // need no shortest-digits search.
        if magnitude < 9_007_199_254_740_992, magnitude.rounded(.towardZero) == magnitude {
            var integer = UInt64(magnitude)
            let start = writer.count
            repeat {
                writer.put(UInt8(ascii: "0") &+ UInt8(integer % 10))
                integer /= 10
            } while integer > 0
            writer.output[start..<writer.count].reverse()
            return
        }
        // Swift's `description` finds the same shortest digits as Go; only its layout differs
        // (an exponent for large and small numbers), so read the digits and lay them out again.
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { digitBuffer in
            var digitCount = 0
            var point = 0
            var text = magnitude.description
            text.withUTF8 { utf8 in
                var index = 0
                var seenPoint = false
                var integerDigits = 0
                while index < utf8.count, utf8[index] != UInt8(ascii: "e"), utf8[index] != UInt8(ascii: "E") {
                    let byte = utf8[index]
                    if byte == UInt8(ascii: ".") {
                        seenPoint = true
                    } else if digitCount == 0, byte == UInt8(ascii: "0") {
                        // Leading zeros carry no digit; after the point each moves it left.
                        if seenPoint { integerDigits &-= 1 }
                    } else {
                        digitBuffer[digitCount] = byte
                        digitCount &+= 1
                        if !seenPoint { integerDigits &+= 1 }
                    }
                    index &+= 1
                }
                var exponent = 0
                if index < utf8.count {
                    index &+= 1
                    var negative = false
                    if index < utf8.count, utf8[index] == UInt8(ascii: "-") || utf8[index] == UInt8(ascii: "+") {
                        negative = utf8[index] == UInt8(ascii: "-")
                        index &+= 1
                    }
                    while index < utf8.count {
                        exponent = exponent &* 10 &+ Int(utf8[index] &- UInt8(ascii: "0"))
                        index &+= 1
                    }
                    if negative { exponent = -exponent }
                }
                point = integerDigits &+ exponent
            }
            while digitCount > 0, digitBuffer[digitCount &- 1] == UInt8(ascii: "0") { digitCount &-= 1 }
            if digitCount == 0 {
                writer.put(UInt8(ascii: "0"))
            } else if point <= 0 {
                writer.put("0.")
                for _ in 0..<(-point) { writer.put(UInt8(ascii: "0")) }
                for index in 0..<digitCount { writer.put(digitBuffer[index]) }
            } else if point >= digitCount {
                for index in 0..<digitCount { writer.put(digitBuffer[index]) }
                for _ in 0..<(point &- digitCount) { writer.put(UInt8(ascii: "0")) }
            } else {
                for index in 0..<point { writer.put(digitBuffer[index]) }
                writer.put(UInt8(ascii: "."))
                for index in point..<digitCount { writer.put(digitBuffer[index]) }
            }
            return
        }
    }
}
