/// Appends bit fields of 1...64 bits, most significant bit first, to a byte array.
///
/// `bytes` is complete at every moment: the bits of the last, partly filled byte are already in
/// it and its unused low bits are zero. That is what lets a chunk still being appended to be read
/// by taking `bytes`, without a flush step.
public struct BitWriter: Sendable {
    public private(set) var bytes: [UInt8]
    /// Unused low bits of the last byte; 0 when the last byte is full or there are no bytes.
    private var freeBitsInLastByte = 0

    /// An empty stream.
    public init() {
        bytes = []
    }

    /// A stream that continues after `prefix` (a header written byte by byte, say).
    public init(prefix: [UInt8]) {
        bytes = prefix
    }

    /// Bits written so far, the prefix included.
    public var bitCount: Int { bytes.count &* 8 &- freeBitsInLastByte }

    /// Appends the low `bitCount` bits of `value`, highest of them first.
    public mutating func write(_ value: UInt64, bitCount: Int) {
        precondition(1...64 ~= bitCount, "a bit field has 1 to 64 bits, not \(bitCount)")
        // Only the low bits count: masking keeps stray high bits from spilling into the bits
        // already in the last byte.
        let bits = bitCount == 64 ? value : value & ((1 &<< UInt64(bitCount)) &- 1)
        var remaining = bitCount
        if freeBitsInLastByte > 0 {
            let last = bytes.count &- 1
            if remaining <= freeBitsInLastByte {
                freeBitsInLastByte &-= remaining
                bytes[last] |= UInt8(truncatingIfNeeded: bits &<< UInt64(freeBitsInLastByte))
                return
            }
            remaining &-= freeBitsInLastByte
            bytes[last] |= UInt8(truncatingIfNeeded: bits &>> UInt64(remaining))
            freeBitsInLastByte = 0
        }
        while remaining >= 8 {
            remaining &-= 8
            bytes.append(UInt8(truncatingIfNeeded: bits &>> UInt64(remaining)))
        }
        if remaining > 0 {
            freeBitsInLastByte = 8 &- remaining
            bytes.append(UInt8(truncatingIfNeeded: bits &<< UInt64(freeBitsInLastByte)))
        }
    }

    /// Appends one bit; the commonest field of a Gorilla chunk, so it skips the general path.
    public mutating func writeBit(_ bit: Bool) {
        if freeBitsInLastByte == 0 {
            bytes.append(bit ? 0x80 : 0)
            freeBitsInLastByte = 7
        } else {
            freeBitsInLastByte &-= 1
            if bit { bytes[bytes.count &- 1] |= 1 &<< UInt8(freeBitsInLastByte) }
        }
    }

    /// Appends `value` as an unsigned LEB128 varint (7 bits a byte, low group first), at
    /// whatever bit position the stream is: 1 byte for values below 128, at most 10.
    public mutating func writeVarint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            write(rest & 0x7F | 0x80, bitCount: 8)
            rest &>>= 7
        }
        write(rest, bitCount: 8)
    }

    /// Appends `value` zigzag-mapped (0, -1, 1, -2, … to 0, 1, 2, 3, …) as a varint, so that
    /// small negative numbers stay short.
    public mutating func writeZigZagVarint(_ value: Int64) {
        writeVarint(UInt64(bitPattern: (value &<< 1) ^ (value &>> 63)))
    }

    /// Replaces four whole bytes already written with `value`, big-endian: a header field that
    /// changes as the stream grows.
    public mutating func overwrite(bigEndian value: UInt32, atByte offset: Int) {
        precondition(offset >= 0 && offset + 4 <= bytes.count, "bytes \(offset)...\(offset + 3) have not been written yet")
        bytes.withUnsafeMutableBytes { $0.storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt32.self) }
    }
}

/// Reads bit fields of 1...64 bits, most significant bit first, from a byte array.
///
/// Reads past the end throw `ChunkError.endOfBits` instead of trapping: the bytes may be damaged.
public struct BitReader: Sendable {
    private let bytes: [UInt8]
    /// Bits consumed so far, counted from the start of `bytes`.
    public private(set) var bitPosition: Int

    /// A reader positioned at byte `startByte` (past a header, say).
    public init(bytes: [UInt8], startingAtByte startByte: Int = 0) {
        precondition(0...bytes.count ~= startByte, "start byte \(startByte) outside \(bytes.count) bytes")
        self.bytes = bytes
        bitPosition = startByte &* 8
    }

    /// Bits left to read, including any zero padding at the end of the last byte.
    public var remainingBitCount: Int { bytes.count &* 8 &- bitPosition }

    /// The next `bitCount` bits as the low bits of the result.
    public mutating func read(bitCount: Int) throws(ChunkError) -> UInt64 {
        precondition(1...64 ~= bitCount, "a bit field has 1 to 64 bits, not \(bitCount)")
        guard bitCount <= remainingBitCount else {
            throw .endOfBits(bitPosition: bitPosition, requested: bitCount)
        }
        let byteIndex = bitPosition &>> 3
        let skippedBits = bitPosition & 7
        // One big-endian word load puts the next 64 - skippedBits bits at the top; a field
        // that straddles into a ninth byte takes its last bits from that byte.
        let value = bytes.withUnsafeBytes { raw -> UInt64 in
            var word: UInt64 = 0
            if byteIndex &+ 8 <= raw.count {
                word = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: byteIndex, as: UInt64.self))
            } else {
                for index in byteIndex..<raw.count {
                    word |= UInt64(raw[index]) &<< UInt64(56 &- 8 &* (index &- byteIndex))
                }
            }
            var aligned = word &<< UInt64(skippedBits)
            if bitCount > 64 &- skippedBits {
                // The guard above makes the ninth byte exist in this case.
                aligned |= UInt64(raw[byteIndex &+ 8]) &>> UInt64(8 &- skippedBits)
            }
            return aligned &>> UInt64(64 &- bitCount)
        }
        bitPosition &+= bitCount
        return value
    }

    /// The next bit.
    public mutating func readBit() throws(ChunkError) -> Bool {
        guard bitPosition < bytes.count &* 8 else {
            throw .endOfBits(bitPosition: bitPosition, requested: 1)
        }
        let byte = bytes[bitPosition &>> 3]
        let bit = byte & (0x80 &>> UInt8(bitPosition & 7)) != 0
        bitPosition &+= 1
        return bit
    }

    /// An unsigned LEB128 varint as `BitWriter.writeVarint` writes it. Throws
    /// `ChunkError.malformedVarint` for one that does not fit 64 bits.
    public mutating func readVarint() throws(ChunkError) -> UInt64 {
        let start = bitPosition
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try read(bitCount: 8)
            // The tenth byte holds bit 63 alone; anything more would be lost.
            guard shift < 63 || byte <= 1 else { throw .malformedVarint(bitPosition: start) }
            result |= (byte & 0x7F) &<< shift
            if byte < 0x80 { return result }
            shift &+= 7
        }
    }

    /// A varint written by `BitWriter.writeZigZagVarint`.
    public mutating func readZigZagVarint() throws(ChunkError) -> Int64 {
        let mapped = try readVarint()
        return Int64(bitPattern: (mapped &>> 1) ^ (0 &- (mapped & 1)))
    }
}
