/// The character rules Prometheus applies to metric and label names.
public enum MetricNames {
    /// `[a-zA-Z_:][a-zA-Z0-9_:]*`
    public static func isValidMetricName(_ name: some StringProtocol) -> Bool {
        isValid(name.utf8, allowColon: true)
    }

    /// `[a-zA-Z_][a-zA-Z0-9_]*`
    public static func isValidLabelName(_ name: some StringProtocol) -> Bool {
        isValid(name.utf8, allowColon: false)
    }

    // ASCII character classes as 128-bit masks (bit n set: byte n belongs), written as literals
    // so that hot loops test a byte with one shift, with no global to initialise.

    @inlinable @inline(__always)
    static func contains(low: UInt64, high: UInt64, _ byte: UInt8) -> Bool {
        byte < 64 ? (low >> byte) & 1 != 0 : byte < 128 ? (high >> (byte &- 64)) & 1 != 0 : false
    }

    /// `[a-zA-Z_]`, plus `:` for metric names.
    @inlinable @inline(__always)
    public static func isNameStart(_ byte: UInt8, allowColon: Bool) -> Bool {
        contains(low: allowColon ? 0x0400_0000_0000_0000 : 0, high: 0x07FF_FFFE_87FF_FFFE, byte)
    }

    /// `[a-zA-Z0-9_]`, plus `:` for metric names.
    @inlinable @inline(__always)
    public static func isNameContinuation(_ byte: UInt8, allowColon: Bool) -> Bool {
        contains(low: allowColon ? 0x07FF_0000_0000_0000 : 0x03FF_0000_0000_0000, high: 0x07FF_FFFE_87FF_FFFE, byte)
    }

    private static func isValid(_ bytes: some Collection<UInt8>, allowColon: Bool) -> Bool {
        guard let first = bytes.first, isNameStart(first, allowColon: allowColon) else { return false }
        return bytes.dropFirst().allSatisfy { isNameContinuation($0, allowColon: allowColon) }
    }
}
