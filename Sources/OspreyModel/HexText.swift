extension Sequence<UInt8> {
    /// Two lowercase hex digits per byte, as Go's `hex.EncodeToString` and `%x` write bytes.
    public var lowercaseHex: String {
        var text = ""
        for byte in self {
            if byte < 0x10 { text.append("0") }
            text += String(byte, radix: 16)
        }
        return text
    }
}
