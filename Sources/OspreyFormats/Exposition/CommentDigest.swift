/// A running hash of a page's comment lines, taken eight bytes at a time: a scraper compares it
/// with the last scrape's to learn, at a fraction of the cost of reading them, whether the
/// page's `# HELP` and `# TYPE` lines changed.
public struct CommentDigest: Equatable, Sendable {
    public private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

    public init() {}

    /// Adds one line.
    mutating func add(_ line: UnsafeRawBufferPointer) {
        var hash = value
        var offset = 0
        while offset + 8 <= line.count {
            hash = Self.mix(hash, line.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset += 8
        }
        var tail: UInt64 = 0
        while offset < line.count {
            tail = tail << 8 | UInt64(line[offset])
            offset += 1
        }
        // The length ends the line, so that lines cannot run into each other unseen.
        value = Self.mix(Self.mix(hash, tail), UInt64(line.count))
    }

    private static func mix(_ hash: UInt64, _ word: UInt64) -> UInt64 {
        let multiplied = (hash ^ word) &* 0x0000_0100_0000_01B3
        return multiplied ^ (multiplied >> 32)
    }
}
