import NIOCore
import OspreyGoCompat
import OspreyModel

/// Writes JSON straight into a `ByteBuffer`, byte for byte as Prometheus's API writes it (Go's
/// `encoding/json` escaping through jsoniter). Query results run to millions of points, so
/// nothing is built as an intermediate tree and no `Encodable` machinery runs per point.
///
/// The writer trusts its caller for structure (commas, brackets); it owns the leaf encodings.
struct JSONWriter {
    private(set) var buffer: ByteBuffer

    init(capacity: Int = 1024) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    /// Punctuation and literals known to need no escaping.
    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { _ = buffer.writeBytes($0) }
    }

    mutating func raw(_ byte: UInt8) {
        buffer.writeInteger(byte)
    }

    /// A JSON string with Go's escaping: `"` `\` and control characters escaped, `\n` `\r` `\t`
    /// short, other controls as `\u00XX`, and, as Go escapes HTML by default, `<` `>` `&` and the
    /// JavaScript line separators U+2028/U+2029 as `\uXXXX`.
    mutating func string(_ value: some StringProtocol) {
        raw(UInt8(ascii: "\""))
        let done: Void? = value.utf8.withContiguousStorageIfAvailable { escaped($0) }
        if done == nil { Array(value.utf8).withUnsafeBufferPointer { escaped($0) } }
        raw(UInt8(ascii: "\""))
    }

    private mutating func escaped(_ bytes: UnsafeBufferPointer<UInt8>) {
        var index = 0
        var plainStart = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard Self.needsEscape(byte) else {
                index += 1
                continue
            }
            // Runs of bytes needing no escape are copied in one write.
            buffer.writeBytes(UnsafeBufferPointer(rebasing: bytes[plainStart..<index]))
            switch byte {
            case 0xE2:
                // U+2028 and U+2029 are E2 80 A8 and E2 80 A9; other characters starting E2 pass.
                if index + 2 < bytes.count, bytes[index + 1] == 0x80, bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9 {
                    raw(bytes[index + 2] == 0xA8 ? "\\u2028" : "\\u2029")
                    index += 3
                } else {
                    raw(byte)
                    index += 1
                }
                plainStart = index
                continue
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case UInt8(ascii: "\n"): raw("\\n")
            case UInt8(ascii: "\r"): raw("\\r")
            case UInt8(ascii: "\t"): raw("\\t")
            default:
                raw("\\u00")
                raw(Self.hexDigits[Int(byte >> 4)])
                raw(Self.hexDigits[Int(byte & 0xF)])
            }
            index += 1
            plainStart = index
        }
        buffer.writeBytes(UnsafeBufferPointer(rebasing: bytes[plainStart..<index]))
    }

    /// A millisecond timestamp as Prometheus writes it: seconds, and a fraction only when
    /// there is one, without trailing zeros (`1700000000`, `1700000000.5`, `-1.25`).
    mutating func timestamp(_ milliseconds: Timestamp) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { bytes in
            let count = Self.writeTimestamp(milliseconds, into: bytes, at: 0)
            _ = buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(bytes)[..<count]))
        }
    }

    /// `[1700000000.5,"42"]`, composed on the stack and written at once: answers hold millions.
    mutating func point(_ time: Timestamp, _ value: Double) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32 + Double.goFixedMaxLength) { bytes in
            bytes[0] = UInt8(ascii: "[")
            var count = Self.writeTimestamp(time, into: bytes, at: 1)
            bytes[count] = UInt8(ascii: ",")
            bytes[count + 1] = UInt8(ascii: "\"")
            count += 2
            count += value.writeGoFixed(into: UnsafeMutableBufferPointer(rebasing: bytes[count...]))
            bytes[count] = UInt8(ascii: "\"")
            bytes[count + 1] = UInt8(ascii: "]")
            _ = buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(bytes)[..<(count + 2)]))
        }
    }

    /// Writes `milliseconds` as seconds with at most three decimals and no trailing zeros
    /// (`1700000000`, `.5`, `.05`, `-1.25`) from `start`; returns where it ended.
    private static func writeTimestamp(_ milliseconds: Timestamp, into bytes: UnsafeMutableBufferPointer<UInt8>, at start: Int) -> Int {
        var count = start
        if milliseconds < 0 {
            bytes[count] = UInt8(ascii: "-")
            count += 1
        }
        let magnitude = milliseconds.magnitude
        var seconds = magnitude / 1000
        let digitsStart = count
        repeat {
            bytes[count] = UInt8(ascii: "0") &+ UInt8(seconds % 10)
            count += 1
            seconds /= 10
        } while seconds > 0
        var digits = UnsafeMutableBufferPointer(rebasing: bytes[digitsStart..<count])
        digits.reverse()
        var fraction = magnitude % 1000
        guard fraction != 0 else { return count }
        bytes[count] = UInt8(ascii: ".")
        count += 1
        var divisor: UInt64 = 100
        while fraction != 0 {
            bytes[count] = UInt8(ascii: "0") &+ UInt8(fraction / divisor)
            count += 1
            fraction %= divisor
            divisor /= 10
        }
        return count
    }

    mutating func sampleValue(_ value: Double) {
        raw(UInt8(ascii: "\""))
        value.withGoFixedBytes { _ = buffer.writeBytes($0) }
        raw(UInt8(ascii: "\""))
    }

    mutating func integer(_ value: some BinaryInteger) {
        guard value >= 0, let unsigned = UInt64(exactly: value) else {
            buffer.writeString(String(value))
            return
        }
        // Digits into a small stack buffer: timestamps run to millions per answer.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var remaining = unsigned
            var start = 20
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") &+ UInt8(remaining % 10)
                remaining /= 10
            } while remaining > 0
            _ = buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(digits)[start...]))
        }
    }

    /// `"key":`
    mutating func key(_ name: some StringProtocol) {
        string(name)
        raw(UInt8(ascii: ":"))
    }

    /// `{"name":"value",...}`, in the labels' order (sorted by name).
    mutating func labels(_ labels: Labels) {
        raw(UInt8(ascii: "{"))
        for (index, label) in labels.enumerated() {
            if index > 0 { raw(UInt8(ascii: ",")) }
            key(label.name)
            string(label.value)
        }
        raw(UInt8(ascii: "}"))
    }

    /// `["a","b"]`
    mutating func strings(_ values: some Sequence<String>) {
        raw(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { raw(UInt8(ascii: ",")) }
            string(value)
        }
        raw(UInt8(ascii: "]"))
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    @inline(__always)
    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "<")
            || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "&") || byte == 0xE2
    }
}
