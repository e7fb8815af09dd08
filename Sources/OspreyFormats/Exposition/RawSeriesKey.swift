#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A series as the bytes it was written with, usable as a dictionary key: scrape loops and
/// importers map it to their series without building labels for every line.
public struct RawSeriesKey: Hashable, Sendable {
    public let bytes: ArraySlice<UInt8>

    public init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
    }

    public func hash(into hasher: inout Hasher) {
        // SipHash over a whole series costs more than the parse of its line; a word-at-a-time
        // fingerprint, seeded per process so pushed text cannot aim at collisions, feeds it 8 bytes.
        hasher.combine(bytes.withUnsafeBytes { Self.fingerprint($0) })
    }

    private static let seed = UInt64.random(in: .min ... .max)

    @inline(__always)
    static func fingerprint(_ raw: UnsafeRawBufferPointer) -> UInt64 {
        var hash = seed ^ (UInt64(raw.count) &* 0x9E37_79B9_7F4A_7C15)
        var offset = 0
        while offset + 8 <= raw.count {
            hash = (hash ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            hash ^= hash >> 29
            offset += 8
        }
        var tail: UInt64 = 0
        while offset < raw.count {
            tail = tail << 8 | UInt64(raw[offset])
            offset += 1
        }
        hash = (hash ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        return hash ^ (hash >> 32)
    }

    public static func == (lhs: RawSeriesKey, rhs: RawSeriesKey) -> Bool {
        lhs.bytes.count == rhs.bytes.count
            && lhs.bytes.withUnsafeBytes { left in
                rhs.bytes.withUnsafeBytes { right in
                    left.isEmpty || memcmp(left.baseAddress!, right.baseAddress!, left.count) == 0
                }
            }
    }
}
