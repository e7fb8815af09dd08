/// 64-bit FNV-1a over strings each ended by a 0xFF byte: a small hash that is the same in every
/// process, unlike Swift's `Hasher`. Over label names and values in order it is Prometheus's
/// label set fingerprint.
public struct FNV1a: Sendable {
    public private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

    public init() {}

    public mutating func add(_ text: String) {
        for byte in text.utf8 {
            value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        value = (value ^ 0xFF) &* 0x0000_0100_0000_01B3
    }
}
