#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Numbers the distinct series of a body by their raw bytes (`name{labels}` as written), with
/// the keys kept in one arena: a lookup hashes the bytes a word at a time and compares them once,
/// without allocating or reference counting, since importers and scrape loops do one per line.
public struct SeriesKeyTable: Sendable {
    private var arena: [UInt8] = []
    private var spans: [(offset: Int, hash: UInt64)] = [(0, 0)]
    /// Open addressing over entry numbers plus one; 0 marks an empty slot.
    private var slots: [Int32] = Array(repeating: 0, count: 64)

    public init() {}

    /// How many distinct series the table holds.
    public var count: Int { spans.count - 1 }

    /// The number of `key`, given the next free number when the table has not seen it.
    public mutating func number(of key: UnsafeBufferPointer<UInt8>) -> (number: Int32, isNew: Bool) {
        let hash = Self.fingerprint(UnsafeRawBufferPointer(key))
        let (found, slot) = probe(key, hash)
        if let found { return (found, false) }
        arena.append(contentsOf: key)
        spans.append((arena.count, hash))
        slots[slot] = Int32(spans.count - 1)
        if count * 2 > slots.count { grow() }
        return (Int32(count - 1), true)
    }

    /// The number of `key` if the table holds it.
    public func find(_ key: UnsafeBufferPointer<UInt8>) -> Int32? {
        probe(key, Self.fingerprint(UnsafeRawBufferPointer(key))).found
    }

    /// The key's number, or the empty slot where it would go.
    @inline(__always)
    private func probe(_ key: UnsafeBufferPointer<UInt8>, _ hash: UInt64) -> (found: Int32?, slot: Int) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { return (nil, slot) }
            if spans[entry].hash == hash, matches(key, entry) { return (Int32(entry - 1), slot) }
            slot = (slot + 1) & mask
        }
    }

    /// The bytes of the series numbered `number`.
    public func key(_ number: Int) -> ArraySlice<UInt8> {
        arena[spans[number].offset..<spans[number + 1].offset]
    }

    private func matches(_ key: UnsafeBufferPointer<UInt8>, _ entry: Int) -> Bool {
        let start = spans[entry - 1].offset
        guard spans[entry].offset - start == key.count else { return false }
        return arena.withUnsafeBufferPointer { stored in
            key.isEmpty || memcmp(stored.baseAddress! + start, key.baseAddress!, key.count) == 0
        }
    }

    private mutating func grow() {
        slots = Array(repeating: 0, count: slots.count * 2)
        let mask = slots.count - 1
        for entry in 1..<spans.count {
            var slot = Int(truncatingIfNeeded: spans[entry].hash) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(entry)
        }
    }

    private static let seed = UInt64.random(in: .min ... .max)

    /// A word-at-a-time hash of the key's bytes (SipHash over a whole series would cost more than
    /// the parse of its line), seeded per process so pushed text cannot aim at collisions.
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
}
