// The `%XX` escapes of URL paths and forms, decoded to bytes: the one decoder behind
// pushgateway paths and form-encoded query parameters.

/// A `%` not followed by two hex digits.
public struct InvalidPercentEscape: Error, Equatable {
    /// Where the `%` is, counted in bytes of the input.
    public let offset: Int
    /// The `%` and up to two bytes after it, as written.
    public let escape: String
}

extension StringProtocol {
    /// The bytes with every `%XX` escape decoded; with `plusIsSpace` (form values) a `+` is a
    /// space.
    public func percentDecodedBytes(plusIsSpace: Bool = false) throws(InvalidPercentEscape) -> [UInt8] {
        let bytes = Array(utf8)
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        var position = 0
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "%"):
                guard position + 2 < bytes.count, let high = Self.hexValue(bytes[position + 1]),
                    let low = Self.hexValue(bytes[position + 2])
                else {
                    let escape = String(decoding: bytes[position..<Swift.min(position + 3, bytes.count)], as: UTF8.self)
                    throw InvalidPercentEscape(offset: position, escape: escape)
                }
                decoded.append(high << 4 | low)
                position += 3
                continue
            case UInt8(ascii: "+") where plusIsSpace:
                decoded.append(UInt8(ascii: " "))
            default:
                decoded.append(byte)
            }
            position += 1
        }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
