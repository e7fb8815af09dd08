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
        // One call over the whole run of bytes: hashing element by element costs several times more.
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
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
